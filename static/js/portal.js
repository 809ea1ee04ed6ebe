// Starts GOV.UK Frontend's components (header menu, error summaries, notification banners ...).
import { initAll } from '../vendor/govuk-frontend/govuk-frontend.min.js'

initAll()

// A table that is wider than its scrolling region says so in words, above it, as well as by the
// edge shadow the stylesheet draws; the hint goes when the table fits (after a resize, say).
function markScrollableTables () {
  document.querySelectorAll('.portal-table-scroll, .portal-results-table').forEach(function (region) {
    var hint = region.previousElementSibling
    var hasHint = hint && hint.classList.contains('portal-table-scroll__hint')
    var scrolls = region.scrollWidth > region.clientWidth + 1
    if (scrolls && !hasHint) {
      hint = document.createElement('p')
      hint.className = 'govuk-body-s portal-table-scroll__hint'
      hint.textContent = 'Scroll sideways to see the whole table.'
      region.parentNode.insertBefore(hint, region)
    } else if (!scrolls && hasHint) {
      hint.remove()
    }
  })
}
markScrollableTables()
window.addEventListener('resize', markScrollableTables)
