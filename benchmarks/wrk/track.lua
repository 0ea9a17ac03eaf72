-- A first-time scan: the tracking POST a freshly loaded storefront page makes, with no visitor
-- cookie, so every request creates a visitor and records a scan and a page view.
wrk.method = "POST"
wrk.body = "e=1&r="
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["User-Agent"] = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0.47"
