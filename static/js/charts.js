// Draws each chart whose figure the page carries as JSON: <div data-plotly-figure="id-of-json">,
// with the JSON from Django's json_script (so the Content Security Policy needs no inline
// script). Loaded after static/vendor/plotly/plotly.min.js. Every chart has a table beside it,
// so a browser without JavaScript loses nothing but the picture.
document.querySelectorAll('[data-plotly-figure]').forEach(function (element) {
  var source = document.getElementById(element.getAttribute('data-plotly-figure'))
  if (!source || typeof window.Plotly === 'undefined') return
  var figure = JSON.parse(source.textContent)
  if (!figure.data || figure.data.length === 0) return
  var config = Object.assign({ displayModeBar: false, responsive: true }, figure.config || {})
  window.Plotly.newPlot(element, figure.data, figure.layout, config)
})

// A chart inside a closed <details> is drawn before it can be seen, at plotly's default size:
// when the details opens, fit it to its box.
document.querySelectorAll('details').forEach(function (details) {
  details.addEventListener('toggle', function () {
    if (!details.open || typeof window.Plotly === 'undefined') return
    details.querySelectorAll('.js-plotly-plot').forEach(function (element) {
      window.Plotly.Plots.resize(element)
    })
  })
})
