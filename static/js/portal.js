// Starts GOV.UK Frontend's components (header menu, error summaries, notification banners ...).
import { initAll } from '../vendor/govuk-frontend/govuk-frontend.min.js'

initAll()
