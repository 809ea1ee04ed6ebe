// The board report's "Print or save as PDF" button: shown only when JavaScript can use it.
for (const button of document.querySelectorAll('[data-print-page]')) {
  button.hidden = false
  button.addEventListener('click', () => window.print())
}
for (const hint of document.querySelectorAll('.portal-print-hint')) {
  hint.hidden = true
}
