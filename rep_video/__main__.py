from rep_video.cli import main

raise SystemExit(main())
