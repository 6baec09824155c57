"""bench/load.py writes its own section of bench/results.md and leaves the rest alone."""

from bench.load import SECTION, write_section


def test_it_replaces_only_its_section_of_the_results(tmp_path):
    results = tmp_path / "results.md"
    results.write_text(
        f"# Registry benchmarks\n\n| a |\n\n{SECTION}\n\nold run\n\n## Notes\n\nkept\n"
    )
    write_section(results, f"{SECTION}\n\nnew run\n")
    assert results.read_text() == (
        f"# Registry benchmarks\n\n| a |\n\n{SECTION}\n\nnew run\n\n## Notes\n\nkept\n"
    )


def test_it_adds_its_section_to_results_without_one(tmp_path):
    results = tmp_path / "results.md"
    results.write_text("# Registry benchmarks\n\n| a |\n")
    write_section(results, f"{SECTION}\n\nnew run\n")
    assert results.read_text() == f"# Registry benchmarks\n\n| a |\n\n{SECTION}\n\nnew run\n"
