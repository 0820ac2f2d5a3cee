"""Run provtrack as `python -m provtrack`."""

from provtrack.cli import main

if __name__ == "__main__":
    main()
