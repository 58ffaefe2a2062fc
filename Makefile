# The two commands of the README, plus lint and bench.
.PHONY: run test lint bench demo-files

run:
	bash scripts/setup.sh
	.venv/bin/casefile serve

test:
	bash scripts/setup.sh --dev --paddle
	bash scripts/services.sh
	.venv/bin/python -m pytest -m "not paddle"
	.venv-paddle/bin/python -m pytest -m paddle -p no:cacheprovider

lint:
	.venv/bin/ruff check .
	.venv/bin/mypy

bench:
	.venv/bin/python -m bench.e2e.run

demo-files:
	.venv/bin/python scripts/build_demo.py
