from metrics.cli import main

main()
