"""`python -m campaignctl ...`, the same as `campaignctl ...`."""

from .cli import main

if __name__ == "__main__":
    main()
