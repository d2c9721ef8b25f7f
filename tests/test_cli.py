import json
import os
import subprocess
import sys

import pytest

from ganlab.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_cli(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "ganlab", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def test_toy_json_last_line_has_the_promised_keys(tmp_path):
    out = run_cli("toy", "--data", "ring8", "--objective", "wgan-gp", "--steps", "30", "--seed", "0",
                  "--hidden", "32", "--eval-samples", "300", "--json", "--save", str(tmp_path / "r.safetensors"))
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    for key in ("data", "objective", "steps", "seconds", "steps_per_second", "modes_covered",
                "modes_total", "hq_fraction", "w1", "device"):
        assert key in result
    assert result["steps"] == 30 and result["modes_total"] == 8 and result["device"] == "cpu"
    assert result["lipschitz"] == "gp" and result["w1"] > 0
    assert (tmp_path / "r.safetensors").exists()


def test_same_seed_same_numbers(capsys):
    args = ["toy", "--steps", "20", "--hidden", "16", "--eval-samples", "200", "--seed", "4", "--json"]
    main(args)
    first = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    main(args)
    second = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    for key in ("w1", "hq_fraction", "modes_covered", "grid_js"):
        assert first[key] == second[key]


@pytest.mark.parametrize("args,needle", [
    (["--lr-d", "-0.001"], "discriminator learning rate"),
    (["--lr-g", "nan"], "generator learning rate"),
    (["--data", "rings"], "unknown data 'rings'"),
    (["--batch", "0"], "batch size"),
    (["--n-critic", "-2"], "k (discriminator steps"),
    (["--lipschitz", "magic"], "Lipschitz method"),
    (["--objective", "wgan-gp", "--lipschitz", "clip"], "already means"),
    (["--hidden", "abc"], "invalid int value"),
    (["--steps", "-5"], "steps"),
    (["--seconds", "inf"], "seconds"),
    (["--preset", "nope"], "unknown preset"),
    (["--device", "cuda:0"], None),
])
def test_bad_input_ends_in_one_line(args, needle, capsys):
    try:
        code = main(["toy", "--steps", "1", "--hidden", "8", "--eval-samples", "100", *args])
    except SystemExit as exc:  # argparse's own refusals (e.g. a word where a number belongs)
        code = exc.code
    err = capsys.readouterr().err.strip()
    if needle is None:  # a machine with CUDA accepts this; one without says so in one line
        assert code == 0 or (code == 2 and len(err.splitlines()) == 1)
        return
    assert code == 2
    assert len(err.splitlines()) == 1 and err.startswith("error: ")
    assert needle in err


def test_presets_command_lists_mode_collapse(capsys):
    assert main(["presets"]) == 0
    out = capsys.readouterr().out
    assert "mode-collapse" in out and "r3gan" in out and "stacked-collapse" in out and "stacked-r3gan" in out


def test_images_start_from_a_preset_and_flags_change_it(capsys):
    """``images --preset KEY`` trains the preset's config, with the given flags on top."""
    from ganlab.images.presets import get_image_preset

    assert main(["images", "--preset", "stacked-r3gan", "--steps", "2", "--width", "8", "--batch", "16",
                 "--eval-samples", "20", "--threads", "1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["data"] == "stacked-mnist" and result["steps"] == 2 and result["modes_total"] == 1000
    assert get_image_preset("stacked-r3gan").config.objective == "r3gan"
    assert main(["images", "--preset", "nope"]) == 2
    assert "unknown image preset 'nope'" in capsys.readouterr().err


def test_bench_runs_and_reports_ratios(capsys):
    assert main(["bench", "toy", "--objectives", "nonsaturating", "--seconds", "0.2", "--repeats", "1", "--json"]) == 0
    row = json.loads(capsys.readouterr().out)["rows"][0]
    assert row["ganlab_steps_per_second"] > 0 and row["plain_steps_per_second"] > 0
    assert abs(row["speedup"] - row["ganlab_steps_per_second"] / row["plain_steps_per_second"]) < 0.02


def test_bench_images_reports_both_loops(capsys):
    assert main(["bench", "images", "--arch", "mlp", "--batch", "16", "--seconds", "0.2", "--repeats", "1", "--json"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["ganlab_images_per_second"] > 0 and row["plain_images_per_second"] > 0
    assert abs(row["speedup"] - row["ganlab_images_per_second"] / row["plain_images_per_second"]) < 0.02
    # the notebook loop again, in a process with the command line's allocator setting
    assert row["plain_same_allocator_images_per_second"] > 0
    assert abs(row["speedup_same_allocator"] - row["ganlab_images_per_second"] / row["plain_same_allocator_images_per_second"]) < 0.02


def test_bench_json_names_the_machine_and_the_precision(capsys):
    """Every figure says where it was measured: CPU model, native bf16, AMX, threads, torch."""
    assert main(["bench", "images", "--arch", "mlp", "--batch", "8", "--seconds", "0.1", "--repeats", "1",
                 "--precision", "fp32", "--json"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert set(row["machine"]) >= {"cpu", "bf16", "amx", "torch_threads", "torch"}
    assert row["precision"] == "fp32" and row["asked_precision"] == "fp32"
    # an MLP GAN step: 2 flops per multiply-add; the share of the matmul peak is a ratio in (0, 1.5)
    assert row["gflop_per_image"] > 0 and 0 < row["fraction_of_fp32_matmul_peak"] < 1.5
    # the notebook loop recomputes G(z) and D's weight gradients in the generator step: more arithmetic
    assert row["plain_gflop_per_image"] > row["gflop_per_image"] and 0 < row["plain_fraction_of_fp32_matmul_peak"] < 1.5
    assert abs(row["ganlab_gflops"] - row["gflop_per_image"] * row["ganlab_images_per_second"]) < 0.05 * row["ganlab_gflops"] + 0.2
    assert main(["bench", "images", "--precision", "fp16"]) == 2


def test_compare_prints_the_loss_table_and_one_json_row_per_method():
    out = subprocess.run([sys.executable, "-m", "ganlab", "compare", "--data", "grid25", "--objectives",
                          "nonsaturating,hinge", "--seeds", "0-1", "--steps", "30", "--eval-samples", "300", "--json"],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert [r["method"] for r in result["rows"]] == ["nonsaturating", "hinge"] and result["cpu"]
    for row in result["rows"]:
        assert row["runs"] == 2 and row["seeds"] == [0, 1] and row["modes_total"] == 25
        for key in ("modes_covered", "hq_fraction", "w1", "mode_kl", "precision", "recall", "seconds"):
            assert f"{key}_mean" in row and f"{key}_std" in row
        runs = [r for r in result["runs"] if r["objective"] == row["method"]]
        assert row["w1_mean"] == pytest.approx(sum(r["w1"] for r in runs) / 2)
    assert "| nonsaturating |" in out.stdout and "seeds 0, 1" in out.stdout
    assert "[4/4]" in out.stderr  # progress, one line per run


def test_compare_refuses_bad_seeds_in_one_line():
    out = subprocess.run([sys.executable, "-m", "ganlab", "compare", "--seeds", "nine"], capture_output=True,
                         text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 2 and out.stderr.strip().startswith("error: seeds must look like 0-9")
