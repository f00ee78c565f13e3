"""The hostile-input corpus: every case names the behaviour it proves (docs/hardening.md)."""
