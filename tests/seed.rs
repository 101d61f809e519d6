//! The seed's curl session, over real HTTP, against `examples/basic.rs`'s router.

mod common;

#[allow(dead_code)]
#[path = "../examples/basic.rs"]
mod basic;

#[tokio::test]
async fn the_seed_curl_session_answers_as_the_seed_says() {
    basic::install_manager().unwrap();
    common::assert_seed_curl_session(common::serve(basic::app()).await).await;
}

#[tokio::test]
async fn refused_tokens_get_flask_jwt_extended_answers() {
    basic::install_manager().unwrap();
    common::assert_seed_refuses_bad_tokens(common::serve(basic::app()).await).await;
}

#[tokio::test]
async fn the_login_checks_answer_as_the_seed_does() {
    basic::install_manager().unwrap();
    let addr = common::serve(basic::app()).await;
    common::assert_seed_login_checks(addr).await;
}
