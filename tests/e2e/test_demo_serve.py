"""End to end: each template's service under a burst of requests and its demo in Chromium.

Per template: generate the default project, install it with ``.[dev,serve,demo]`` into a
fresh virtualenv, ``make train``, then start uvicorn on 127.0.0.1 and send 200 requests, 8 at
a time (all must succeed and equal the Python API's answer; p50/p95 go to
``reports/service-latency.json``), then start the Gradio demo and drive it in a headless
Chromium: the page loads, shows the project, and the sample input gives the prediction the
Python API gives. A screenshot of each demo is saved under the test's tmp dir.
"""

from __future__ import annotations

import json
import statistics
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser import chromium  # noqa: F401  (the fixture)
from helpers import REPO
from projects import Project, Variant, build_venv, generate, isolated_env
from services import running_server

pytestmark = pytest.mark.e2e

REQUESTS, CONCURRENCY = 200, 8


@dataclass(frozen=True)
class Demo:
    """How to drive a template's demo: a button, the output, what the output must show."""

    button: str
    output: str
    expected: Callable[[dict[str, Any]], list[str]]


def _kaggle_expected(response: dict[str, Any]) -> list[str]:
    target = response["target"]
    return [f"{target}: {response['prediction'][target]}"]


DEMOS = {
    "image-classifier": Demo(
        "classify-sample", "prediction", lambda r: [f"Prediction: {r['label']}"]
    ),
    "recommender": Demo("recommend-user", "prediction", lambda r: [r["items"][0]["title"]]),
    "kaggle-entry": Demo("predict", "prediction", _kaggle_expected),
}

TEMPLATES = [
    name
    for name in DEMOS
    if (
        REPO / "templates" / name / "template" / "src" / "{{ package_name }}" / "demo.py.jinja"
    ).is_file()
]

PYTHON_API = """
import json
from {package}.predictor import Predictor
predictor = Predictor.load()
example = predictor.example()
print(json.dumps({{
    "request": example.model_dump(mode="json", exclude_none=True),
    "response": predictor.predict(example).model_dump(mode="json"),
    "metadata": predictor.metadata(),
}}))
"""


@pytest.fixture(
    scope="module",
    params=[pytest.param(t, marks=pytest.mark.xdist_group(t)) for t in TEMPLATES],
)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The template's default project, installed with its extras and trained."""
    template = request.param
    root = tmp_path_factory.mktemp(f"serve-{template}")
    workspace = root / "ws"
    workspace.mkdir()
    project = generate(Variant(template), workspace, isolated_env(root / "home"))
    project.python = build_venv(
        project, root / "venv", torch=False, extras=("dev", "serve", "demo")
    )
    project.env.pop("PYTHONPATH", None)  # the editable install is what runs
    project.make("train")
    return project


def _package(project: Project) -> str:
    return next(p.name for p in (project.path / "src").iterdir() if (p / "predictor.py").is_file())


def python_api(project: Project) -> dict[str, Any]:
    """The example request, the Python API's answer to it and the metadata."""
    script = PYTHON_API.format(package=_package(project))
    return json.loads(project.run(project.python, "-c", script).stdout.strip().splitlines()[-1])


def _post(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any], float]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"content-type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        payload = json.loads(response.read())
        return int(response.status), payload, time.perf_counter() - started


def test_the_service_answers_a_burst_like_the_python_api(served: Project) -> None:
    expected = python_api(served)
    command = [served.python, "-m", f"{_package(served)}.service", "--port", "{port}"]
    with running_server(command, cwd=served.path, env=served.env, ready_path="/health") as server:
        metadata = json.loads(urllib.request.urlopen(server.url + "/metadata").read())
        assert metadata == expected["metadata"]
        assert urllib.request.urlopen(server.url + "/docs").status == 200
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            results = list(
                pool.map(
                    lambda _: _post(server.url + "/predict", expected["request"]), range(REQUESTS)
                )
            )
        wall = time.perf_counter() - started
    statuses = [status for status, _, _ in results]
    assert statuses == [200] * REQUESTS
    assert all(payload == expected["response"] for _, payload, _ in results)
    latencies = sorted(seconds * 1000 for _, _, seconds in results)
    report = {
        "requests": REQUESTS,
        "concurrency": CONCURRENCY,
        "ok": statuses.count(200),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(statistics.quantiles(latencies, n=20)[18], 2),
        "max_ms": round(latencies[-1], 2),
        "requests_per_second": round(REQUESTS / wall, 1),
    }
    path = served.path / "reports" / "service-latency.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\n{served.path.name} service latency: {report} (written to {path})")


def test_the_demo_in_chromium_shows_the_python_api_prediction(
    served: Project,
    chromium: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    template = _template(served)
    demo = DEMOS[template]
    expected = python_api(served)
    env = {**served.env, "GRADIO_ANALYTICS_ENABLED": "False"}
    command = [served.python, "-m", f"{_package(served)}.demo", "--port", "{port}"]
    with running_server(command, cwd=served.path, env=env) as server:
        chromium.get(server.url + "/")
        wait = WebDriverWait(chromium, 90)
        button = wait.until(ready.element_to_be_clickable((By.ID, demo.button)))
        button.click()
        wanted = demo.expected(expected["response"])
        output = (By.ID, demo.output)
        wait.until(lambda driver: all(text in driver.find_element(*output).text for text in wanted))
        page = chromium.find_element(By.TAG_NAME, "body").text
        shot = tmp_path / f"demo-{template}.png"
        chromium.save_screenshot(str(shot))
    assert str(expected["metadata"]["project"]) in page
    print(f"\ndemo screenshot: {shot}\noutput: {chromium_text(page)}")


def _template(project: Project) -> str:
    text = (project.path / ".copier-answers.yml").read_text(encoding="utf-8")
    return next(
        line.split(":", 1)[1].strip()
        for line in text.splitlines()
        if line.startswith("_mlscaffold_template:")
    )


def chromium_text(page: str) -> str:
    return " | ".join(line for line in page.splitlines() if line.strip())[:600]
