// With an extractor, the requirements go on its policy type: attribute options that would
// change verification are refused rather than silently ignored.
use jwt_extended::extractors::JwtIdentity;
use jwt_extended::jwt_required;

#[jwt_required(fresh)]
async fn handler(user: JwtIdentity<String>) -> String {
    user.into_inner()
}

fn main() {
    let _ = handler;
}
