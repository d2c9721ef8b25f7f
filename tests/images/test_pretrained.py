"""The shipped generators: each loads, meets its quality bar, and bad files give one-line messages."""
import json
import os

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from ganlab.cli import main
from ganlab.errors import GanlabError
from ganlab.images.evaluation import evaluate_generator, quality_failures
from ganlab.images.latent import project
from ganlab.images.pretrained import PRETRAINED, load_generator, shipped_models

EXPECTED = {"dcgan-mnist": ("mnist", False, "nonsaturating"), "dcgan-fashion": ("fashion", False, "nonsaturating"),
            "cdcgan-mnist": ("mnist", True, "nonsaturating"), "wgan-gp-mnist": ("mnist", False, "wgan-gp")}


def test_the_four_models_ship_with_cards_and_sample_grids():
    models = shipped_models()
    assert set(EXPECTED) <= set(models)
    for name in EXPECTED:
        size = os.path.getsize(models[name])
        assert 100_000 < size < 8 * 2**20, (name, size)
        card = open(os.path.join(PRETRAINED, name + ".md")).read()
        assert "python -m ganlab images" in card and "seed" in card.lower() and f"{name}.png" in card
        assert os.path.isfile(os.path.join(PRETRAINED, name + ".png"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_shipped_model_loads_and_scores_what_its_card_says(name):
    """Re-measured on a fresh draw: the numbers match the card, and a model whose card says it meets
    the quality bar (10/10 classes, class KL ≤ 0.05, MNIST confidence ≥ 0.95) still does."""
    data, conditional, objective = EXPECTED[name]
    model = load_generator(shipped_models()[name])
    assert (model.data, bool(model.num_classes), model.config.objective) == (data, conditional, objective)
    card = model.notes["metrics"]
    now = evaluate_generator(model, n=500, seed=99)  # not the card's seed
    assert now["classes_covered"] == card["classes_covered"] == 10
    assert abs(now["class_kl"] - card["class_kl"]) < 0.05
    assert abs(now["mean_confidence"] - card["mean_confidence"]) < 0.03
    text = open(os.path.join(PRETRAINED, name + ".md")).read()
    if quality_failures(data, card):
        assert "**not met**" in text  # the card says so, in words
    else:
        assert "bar (" in text and "): met." in text
        assert quality_failures(data, now) == [], (name, now)


def test_projection_reduces_the_error_on_a_real_test_image():
    from ganlab.images.data import load_images, to_float

    model = load_generator(shipped_models()["dcgan-mnist"])
    image = to_float(load_images("mnist").test_images[3:4])[0, 0]
    result = project(model, image, steps=60, seed=0)
    assert result.final_error < 0.5 * result.initial_error
    assert result.image.shape == (1, 28, 28) and result.z.shape == (model.latent_dim,)


def test_conditional_model_draws_the_class_it_is_asked_for():
    from ganlab.images.classifiers import load_classifier

    model = load_generator(shipped_models()["cdcgan-mnist"])
    z = model.latent(range(100))
    labels = torch.arange(100) % 10
    with torch.no_grad():
        predicted = load_classifier("mnist")(model(z, labels)).argmax(1)
    assert (predicted == labels).float().mean() > 0.9


def test_corrupt_and_foreign_files_give_clear_messages(tmp_path):
    source = shipped_models()["dcgan-mnist"]
    truncated = tmp_path / "truncated.safetensors"
    truncated.write_bytes(open(source, "rb").read()[:5000])
    not_st = tmp_path / "weights.safetensors"
    not_st.write_bytes(b"\x80\x04\x95pickle-ish bytes")
    plain = tmp_path / "plain.safetensors"
    save_file({"w": torch.zeros(2)}, str(plain))
    wrong_shape = tmp_path / "wrong.safetensors"
    meta = json.loads(json.dumps({"ganlab_format": "ganlab-image-v1",
                                  "config": json.dumps({"width": 16, "latent_dim": 100})}))
    save_file({"generator.0.weight": torch.zeros(3, 3)}, str(wrong_shape), metadata=meta)
    classifier = os.path.join(PRETRAINED, "classifier-mnist.safetensors")
    cases = [(truncated, "not a valid safetensors"), (not_st, "not a valid safetensors"),
             (plain, "not a ganlab checkpoint"), (wrong_shape, "does not fit"), (classifier, "not a 'ganlab-image-v1'"),
             (tmp_path / "missing.safetensors", "no such checkpoint")]
    for path, needle in cases:
        with pytest.raises(GanlabError, match=needle) as info:
            load_generator(str(path))
        assert "\n" not in str(info.value)


def test_evaluate_and_sample_commands(tmp_path, capsys):
    path = shipped_models()["cdcgan-mnist"]
    assert main(["evaluate", "--model", path, "--n", "200", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["classes_covered"] == 10 and 0 <= result["class_kl"] < 0.1 and result["samples"] == 200
    out = tmp_path / "grid.png"
    assert main(["sample", "--model", path, "--n", "20", "--seed", "0", "--out", str(out)]) == 0
    from PIL import Image

    assert Image.open(out).size == (10 * 30 + 2, 2 * 30 + 2)  # a conditional grid: one class per column
    assert main(["sample", "--model", str(tmp_path / "nope.safetensors"), "--out", str(out)]) == 2
    assert "no such checkpoint" in capsys.readouterr().err
    assert main(["evaluate", "--model", path, "--n", "5"]) == 2


def test_the_card_grid_is_what_the_sample_command_draws(tmp_path):
    from PIL import Image

    out = tmp_path / "grid.png"
    main(["sample", "--model", shipped_models()["dcgan-mnist"], "--n", "64", "--seed", "0", "--out", str(out)])
    shipped = Image.open(os.path.join(PRETRAINED, "dcgan-mnist.png"))
    drawn = Image.open(out)
    assert shipped.size == drawn.size
    diff = torch.from_numpy(np.asarray(shipped.convert("L"), dtype=np.int16) - np.asarray(drawn.convert("L"), dtype=np.int16))
    assert int(diff.abs().max()) <= 1


def test_oversized_checkpoints_are_refused_before_reading(tmp_path, monkeypatch):
    import ganlab.training.checkpoints as ck

    monkeypatch.setattr(ck, "MAX_CHECKPOINT_BYTES", 1000)
    big = tmp_path / "big.safetensors"
    big.write_bytes(b"\0" * 2000)
    from ganlab.images.pretrained import load_generator
    from ganlab.toy.saving import load_toy

    for loader in (load_generator, load_toy):
        with pytest.raises(GanlabError, match="not loaded"):
            loader(str(big))
