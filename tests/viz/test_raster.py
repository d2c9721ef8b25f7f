from PIL import Image

from ganlab.toy.config import ToyConfig
from ganlab.toy.run import ToyRun
from ganlab.viz.raster import frames_to_gif, render_frame


def test_gif_of_a_short_run(tmp_path):
    run = ToyRun(ToyConfig(objective="wgan", hidden=16, depth=2, batch=32), view_points=50, grid=12)
    frames = []
    for _ in range(4):
        run.advance(max_steps=3)
        frames.append(run.frame())
    img = render_frame(frames[0], size=120)
    assert img.size == (120, 120)
    path = frames_to_gif(frames, str(tmp_path / "run.gif"), size=120)
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == 4
