from zonestat.cli import main

main()
