// Draws each chart from the figure JSON the page holds beside it (see _chart.html).
/* global Plotly */
document.querySelectorAll('[data-plotly-figure]').forEach(function (element) {
  var source = document.getElementById(element.getAttribute('data-plotly-figure'))
  if (!source || typeof Plotly === 'undefined') return
  var figure = JSON.parse(source.textContent)
  Plotly.newPlot(element, figure.data, figure.layout, figure.config)
})
