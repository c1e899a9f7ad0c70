"""`python -m exporters`: the single-process mode (`praxis-exporters --config.dir DIR`)."""

from exporters.core.multi import main

if __name__ == "__main__":
    main()
