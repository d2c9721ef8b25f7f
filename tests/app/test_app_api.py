"""The app's API, driven with gradio_client as a notebook would."""
from concurrent.futures import ThreadPoolExecutor

from gradio_client import Client


def test_toy_run_endpoint_returns_cli_metrics(app_url):
    client = Client(app_url, verbose=False)
    result = client.predict("ring8", "wgan-gp", 200, 0, api_name="/toy_run")
    for key in ("data", "objective", "steps", "seconds", "steps_per_second", "modes_covered", "modes_total",
                "hq_fraction", "w1", "device"):
        assert key in result
    assert result["data"] == "ring8" and result["objective"] == "wgan-gp" and result["steps"] == 200
    assert result["modes_total"] == 8 and 0 <= result["hq_fraction"] <= 1 and result["w1"] > 0


def test_toy_run_refuses_bad_input_with_a_message(app_url):
    client = Client(app_url, verbose=False)
    assert "unknown data" in client.predict("rings", "wgan", 10, 0, api_name="/toy_run")["error"]
    assert "steps" in client.predict("ring8", "wgan", -5, 0, api_name="/toy_run")["error"]
    assert "unknown objective" in client.predict("ring8", "gan", 10, 0, api_name="/toy_run")["error"]


def test_four_concurrent_sessions_each_get_their_own_result(app_url):
    jobs = [("ring8", "nonsaturating", 150, 1), ("grid25", "wgan-gp", 120, 2),
            ("two_gaussians", "lsgan", 170, 3), ("moons", "hinge", 140, 4)]

    def run(job):
        return Client(app_url, verbose=False).predict(*job, api_name="/toy_run")

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(run, jobs))
    for (data, objective, steps, seed), result in zip(jobs, results):
        assert (result["data"], result["objective"], result["steps"], result["seed"]) == (data, objective, steps, seed)
    assert results[1]["modes_total"] == 25 and results[3]["modes_total"] is None
    # the same request alone gives the same numbers: sessions did not touch each other
    again = run(jobs[0])
    assert again["w1"] == results[0]["w1"] and again["hq_fraction"] == results[0]["hq_fraction"]
