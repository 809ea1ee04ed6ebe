// Draws each chart whose figure the page carries as JSON: <div data-plotly-figure="id-of-json">.
// Loaded after static/vendor/plotly/plotly.min.js; every chart has a table beside it, so a
// browser without JavaScript loses nothing but the picture.
document.querySelectorAll('[data-plotly-figure]').forEach(function (element) {
  var source = document.getElementById(element.getAttribute('data-plotly-figure'))
  if (!source || typeof window.Plotly === 'undefined') return
  var figure = JSON.parse(source.textContent)
  if (!figure.data || figure.data.length === 0) return
  window.Plotly.newPlot(element, figure.data, figure.layout, {
    displayModeBar: false,
    responsive: true
  })
})
