from tui_digest.cli import main

raise SystemExit(main())
