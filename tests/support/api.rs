//! `Api`: a client of the JSON API holding one Bearer token (or none), and its `Reply`.

use reqwest::header::HeaderMap;
use serde_json::Value;

/// A client of the API at one address, sending one token with every call.
pub struct Api {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

/// An answer: status, headers, the body, and the body as JSON (`Null` when it is not JSON).
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub json: Value,
}

impl Reply {
    /// A header's value (empty when absent).
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8")
    }
}

impl Api {
    /// A client of the API at `base` sending `token` (none: anonymous).
    pub fn new(base: &str, token: Option<String>) -> Self {
        Self::with_client(reqwest::Client::new(), base, token)
    }

    /// The same, sharing `http` (and its connections) with other clients.
    pub(super) fn with_client(http: reqwest::Client, base: &str, token: Option<String>) -> Self {
        Self {
            http,
            base: base.to_owned(),
            token,
        }
    }

    /// The token this client sends.
    pub fn token(&self) -> &str {
        self.token.as_deref().expect("a client with a token")
    }

    /// `method path` with the token, for requests the other methods do not make.
    pub fn request(&self, method: &str, path: &str) -> reqwest::RequestBuilder {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let request = self.http.request(method, format!("{}{path}", self.base));
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// `method path` with an optional JSON body.
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        let mut request = self.request(method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.expect("a body").to_vec();
        let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            json,
        }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> Reply {
        self.call("GET", path, None).await
    }

    /// Every bucket the list returns with the query `filter` (`&status=…`), following cursors.
    pub async fn all_buckets(&self, filter: &str) -> Vec<Value> {
        let mut buckets = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut path = format!("/api/v1/buckets?limit=100{filter}");
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let page = self.get(&path).await;
            assert_eq!(page.status, 200, "{}", page.json);
            buckets.extend(page.json["buckets"].as_array().unwrap().iter().cloned());
            match page.json["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return buckets,
            }
        }
    }
}

/// The name of the first bucket of an API list (`buckets` of `GET /api/v1/buckets`) whose status
/// is `status`.
pub fn first_named(buckets: &[Value], status: &str) -> String {
    buckets
        .iter()
        .find(|b| b["status"] == status)
        .and_then(|b| b["name"].as_str())
        .unwrap_or_else(|| panic!("a bucket that is {status}"))
        .to_owned()
}
