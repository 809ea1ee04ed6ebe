// Draws each survey chart from the figure JSON the page holds (json_script), with plotly.js.
// Every chart has a data table beside it, so without JavaScript nothing is lost.
/* global Plotly */
(function () {
  if (typeof Plotly === 'undefined') { return }
  document.querySelectorAll('[data-plotly-figure]').forEach(function (element) {
    var source = document.getElementById(element.getAttribute('data-plotly-figure'))
    if (!source) { return }
    var figure = JSON.parse(source.textContent)
    Plotly.newPlot(element, figure.data, figure.layout, { displayModeBar: false, responsive: true })
  })
})()
