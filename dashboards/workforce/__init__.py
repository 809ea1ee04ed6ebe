"""The workforce equality dashboard: representation by grade, disciplinary and appointment
likelihood, ARP training, the ethnicity pay gap and leaver rates, with their imports."""
