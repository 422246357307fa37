"""/docs renders offline: headless Chromium, every request outside the service refused,
shows the API's operations (Swagger UI's assets come from the fastapi-offline package)."""

from pathlib import Path

from ..conftest import chromium
from .conftest import running_service


def test_docs_render_with_no_network_but_the_service(tmp_path: Path) -> None:
    from playwright.sync_api import Route, sync_playwright

    outside: list[str] = []
    with running_service(tmp_path) as base, sync_playwright() as playwright:

        def only_the_service(route: Route) -> None:
            if route.request.url.startswith(base):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        browser = playwright.chromium.launch(
            executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.route("**/*", only_the_service)
        page.goto(f"{base}/docs")
        page.wait_for_selector("#operations-check-check_v1_check_post, .opblock", timeout=30_000)
        operations = page.locator(".opblock-summary-path").all_inner_texts()
        browser.close()
    assert outside == []
    assert {"/v1/check", "/v1/moderations", "/readyz"} <= set(operations)
