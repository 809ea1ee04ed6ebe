// Draws each chart whose figure the page carries as JSON: <div data-plotly-figure="id-of-json">,
// with the JSON from Django's json_script (so the Content Security Policy needs no inline
// script). Loaded after static/vendor/plotly/plotly.min.js. Every chart has a table beside it,
// so a browser without JavaScript loses nothing but the picture.
function drawChart (element) {
  var source = document.getElementById(element.getAttribute('data-plotly-figure'))
  if (!source || typeof window.Plotly === 'undefined') return
  var figure = JSON.parse(source.textContent)
  if (!figure.data || figure.data.length === 0) return
  var config = Object.assign({ displayModeBar: false, responsive: true }, figure.config || {})
  window.Plotly.newPlot(element, figure.data, figure.layout, config)
}
document.querySelectorAll('[data-plotly-figure]').forEach(function (element) {
  // A chart inside a closed <details> is drawn when it opens, at the width of its box (drawn
  // hidden, plotly would take its default size).
  var closed = element.closest('details:not([open])')
  if (!closed) return drawChart(element)
  closed.addEventListener('toggle', function draw () {
    if (!closed.open) return
    closed.removeEventListener('toggle', draw)
    drawChart(element)
  })
})
