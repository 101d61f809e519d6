//! [`JwtManager::buffer_body`]: reading a request body once, before the token checks, when this
//! manager may need it (see [`BufferedBody`](crate::BufferedBody)).

use std::future::Future;

use bytes::Bytes;
use http::Request;
use http_body::Body;

use crate::body::buffer;
use crate::{BodyError, JwtManager};

impl JwtManager {
    /// Reads the request body into memory when this manager may need it, records it as a
    /// [`BufferedBody`](crate::BufferedBody) extension and puts the same bytes back as the body,
    /// so that both the token checks and the handler can read it (a body can be read only once). Returns other
    /// requests as they are, unread. Call it in a middleware in front of the protected routes
    /// (the tower `JwtLayer` calls it for you).
    ///
    /// The body is read when it is
    /// - JSON (`application/json` or `application/*+json`), for the JSON token location, as
    ///   [`buffer_json_body`](crate::buffer_json_body) does;
    /// - `application/x-www-form-urlencoded`, when this manager's `csrf_check_form` is on, CSRF
    ///   protection is on and the method is one of its `csrf_methods`: the CSRF value may then
    ///   be read from the form field `access_csrf_field_name` (or `refresh_csrf_field_name`)
    ///   when the CSRF header is absent, as flask-jwt-extended reads `request.form`.
    ///   (Multipart forms are not read.)
    ///
    /// A body longer than `limit` bytes is refused with [`BodyError::TooLarge`] (413).
    ///
    /// The future owns the request and does not borrow the manager. The settings read are this
    /// manager's, not those of a manager in the request's extensions.
    ///
    /// As an axum middleware:
    ///
    /// ```
    /// use axum::{
    ///     extract::{Request, State},
    ///     middleware::{self, Next},
    ///     response::{IntoResponse, Response},
    ///     Router,
    /// };
    /// use jwt_http::JwtManager;
    ///
    /// async fn buffer(State(manager): State<JwtManager>, req: Request, next: Next) -> Response {
    ///     match manager.buffer_body(req, 1 << 20).await {
    ///         Ok(req) => next.run(req).await,
    ///         Err(e) => (e.status(), e.to_string()).into_response(),
    ///     }
    /// }
    ///
    /// # fn main() -> Result<(), jwt_http::ConfigError> {
    /// let manager = JwtManager::builder()
    ///     .secret_key("a long random secret, 32 bytes or more")
    ///     .csrf_check_form(true)
    ///     .build()?;
    /// let app: Router = Router::new().layer(middleware::from_fn_with_state(manager, buffer));
    /// # Ok(()) }
    /// ```
    ///
    /// By hand:
    ///
    /// ```
    /// use bytes::Bytes;
    /// use http_body_util::Full;
    /// use jwt_http::{BufferedBody, JwtManager};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let manager = JwtManager::builder()
    ///     .secret_key("a long random secret, 32 bytes or more")
    ///     .csrf_check_form(true)
    ///     .build()?;
    /// let request = http::Request::post("/items")
    ///     .header("Content-Type", "application/x-www-form-urlencoded")
    ///     .body(Full::new(Bytes::from_static(b"csrf_token=abc&name=x")))?;
    /// let request = manager.buffer_body(request, 1 << 20).await?;
    /// let buffered = request.extensions().get::<BufferedBody>();
    /// assert_eq!(buffered.map(|b| &b.0[..]), Some(&b"csrf_token=abc&name=x"[..]));
    /// # Ok(()) }
    /// ```
    pub fn buffer_body<B>(
        &self,
        request: Request<B>,
        limit: usize,
    ) -> impl Future<Output = Result<Request<B>, BodyError>> + use<B>
    where
        B: Body + From<Bytes>,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let wanted = crate::extract::is_json(request.headers()) || self.reads_form(&request);
        async move {
            if wanted {
                buffer(request, limit).await
            } else {
                Ok(request)
            }
        }
    }

    /// Whether the cookie location may read the CSRF value from this request's form.
    fn reads_form<B>(&self, request: &Request<B>) -> bool {
        let config = self.config();
        config.csrf_check_form
            && config.cookie_csrf_protect
            && config.csrf_methods.contains(request.method())
            && crate::extract::is_urlencoded_form(request.headers())
    }
}

#[cfg(test)]
mod tests {
    use http::{Method, StatusCode};
    use http_body_util::{BodyExt, Full};

    use super::*;
    use crate::{buffer_json_body, BufferedBody};

    const FORM: &str = "application/x-www-form-urlencoded";

    fn manager(check_form: bool) -> JwtManager {
        JwtManager::builder()
            .secret_key("a long random secret, 32 bytes or more")
            .csrf_check_form(check_form)
            .build()
            .expect("manager")
    }

    fn request(method: Method, content_type: &str, body: &'static str) -> Request<Full<Bytes>> {
        Request::builder()
            .method(method)
            .uri("/")
            .header(http::header::CONTENT_TYPE, content_type)
            .body(Full::new(Bytes::from_static(body.as_bytes())))
            .expect("request")
    }

    /// The buffered bytes, and the body as the handler reads it.
    async fn buffered(
        request: Result<Request<Full<Bytes>>, BodyError>,
    ) -> (Option<Bytes>, Result<Bytes, BodyError>) {
        match request {
            Ok(request) => {
                let kept = request
                    .extensions()
                    .get::<BufferedBody>()
                    .map(|b| b.0.clone());
                let body = request.into_body().collect().await.map(|c| c.to_bytes());
                (kept, body.map_err(|e| BodyError::Read(e.to_string())))
            }
            Err(e) => (None, Err(e)),
        }
    }

    #[tokio::test]
    async fn form_bodies_are_read_when_the_form_is_checked() {
        let body = "csrf_token=abc";
        let on = manager(true);
        let off = manager(false);
        let read = (Some(Bytes::from(body)), Ok(Bytes::from(body)));
        let unread = (None, Ok(Bytes::from(body)));

        let form = || request(Method::POST, FORM, body);
        assert_eq!(buffered(on.buffer_body(form(), 100).await).await, read);
        assert_eq!(buffered(off.buffer_body(form(), 100).await).await, unread);
        assert_eq!(buffered(buffer_json_body(form(), 100).await).await, unread);
        let charset = request(
            Method::PUT,
            "Application/X-WWW-Form-Urlencoded; charset=utf-8",
            body,
        );
        assert_eq!(buffered(on.buffer_body(charset, 100).await).await, read);
        // GET is not a CSRF method: the form would not be read.
        let get = request(Method::GET, FORM, body);
        assert_eq!(buffered(on.buffer_body(get, 100).await).await, unread);
        let multipart = request(Method::POST, "multipart/form-data; boundary=x", body);
        assert_eq!(buffered(on.buffer_body(multipart, 100).await).await, unread);
        let text = request(Method::POST, "text/plain", body);
        assert_eq!(buffered(on.buffer_body(text, 100).await).await, unread);

        let no_csrf = JwtManager::builder()
            .secret_key("a long random secret, 32 bytes or more")
            .csrf_check_form(true)
            .cookie_csrf_protect(false)
            .build()
            .expect("manager");
        assert_eq!(
            buffered(no_csrf.buffer_body(form(), 100).await).await,
            unread
        );
    }

    #[tokio::test]
    async fn the_future_is_send_and_outlives_the_manager() {
        fn send<T: Send + 'static>(t: T) -> T {
            t
        }
        let manager = manager(true);
        let future = send(manager.buffer_body(request(Method::POST, FORM, "a=1"), 10));
        drop(manager);
        assert_eq!(buffered(future.await).await.0.as_deref(), Some(&b"a=1"[..]));
    }

    #[tokio::test]
    async fn json_bodies_are_always_read() {
        let body = r#"{"access_token":"t"}"#;
        let read = (Some(Bytes::from(body)), Ok(Bytes::from(body)));
        for manager in [manager(true), manager(false)] {
            let get = request(Method::GET, "application/json", body);
            assert_eq!(buffered(manager.buffer_body(get, 100).await).await, read);
        }
        let json = request(Method::POST, "application/vnd.api+json", body);
        assert_eq!(buffered(buffer_json_body(json, 100).await).await, read);
    }

    #[tokio::test]
    async fn bodies_over_the_limit_are_refused() {
        let body = "csrf_token=abc";
        let limit = body.len() - 1;
        let too_large = (None, Err(BodyError::TooLarge { limit }));
        let form = request(Method::POST, FORM, body);
        let refused = buffered(manager(true).buffer_body(form, limit).await).await;
        assert_eq!(refused, too_large);
        assert_eq!(
            too_large.1.map(|_| ()).unwrap_err().status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
        let form = request(Method::POST, FORM, body);
        let exact = buffered(manager(true).buffer_body(form, body.len()).await).await;
        assert_eq!(exact.0.as_deref(), Some(body.as_bytes()));
        let json = request(Method::POST, "application/json", "[1,2,3]");
        let refused = buffered(manager(false).buffer_body(json, 6).await).await;
        assert_eq!(refused, (None, Err(BodyError::TooLarge { limit: 6 })));
    }
}
