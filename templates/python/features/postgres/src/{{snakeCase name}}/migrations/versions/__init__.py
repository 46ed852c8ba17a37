"""One file per schema change, applied in order (revision / down_revision); never edit a
released one, add the next. Changes follow expand/contract: see README.md, Migrations."""
