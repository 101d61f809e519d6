//! What `JwtIdentity` and `JwtClaims` share: a value deserialized from the verified token,
//! held beside the verified context, and the axum extractor impls around each type's own
//! `new(context) -> Result<Self, Refusal>`. Written once here so the two cannot drift apart.

/// The accessors, `Deref`, `Clone`, `Debug`, `ExtractedContext`, `FromRequestParts` and
/// `OptionalFromRequestParts` of a `$name<X, P> { $field: X, context, policy }`.
macro_rules! typed_extractor {
    ($name:ident, $field:ident, $what:literal) => {
        impl<X, P> $name<X, P> {
            #[doc = concat!("The ", $what, ", by value.")]
            pub fn into_inner(self) -> X {
                self.$field
            }

            /// The verified request's context: the token, where it was found, the user the
            /// user-lookup loader loaded, the manager. Run code in it with
            /// [`scope`](crate::scope) to make [`get_jwt_identity`](crate::get_jwt_identity)
            /// and the other accessors see it.
            pub fn context(&self) -> &::std::sync::Arc<$crate::JwtContext> {
                &self.context
            }
        }

        impl<X, P> ::std::ops::Deref for $name<X, P> {
            type Target = X;

            fn deref(&self) -> &X {
                &self.$field
            }
        }

        impl<X: Clone, P> Clone for $name<X, P> {
            fn clone(&self) -> Self {
                $name {
                    $field: self.$field.clone(),
                    context: self.context.clone(),
                    policy: ::std::marker::PhantomData,
                }
            }
        }

        impl<X: ::std::fmt::Debug, P> ::std::fmt::Debug for $name<X, P> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field(stringify!($field), &self.$field)
                    .field("location", &self.context.location())
                    .finish()
            }
        }

        impl<X, P> $crate::__private::ExtractedContext for $name<X, P> {
            fn jwt_context(&self) -> Option<::std::sync::Arc<$crate::JwtContext>> {
                Some(self.context.clone())
            }
        }

        impl<S, X, V> ::axum_core::extract::FromRequestParts<S> for $name<X, V>
        where
            S: Send + Sync,
            X: ::serde::de::DeserializeOwned,
            V: $crate::extractors::Verification<S>,
        {
            type Rejection = $crate::Refusal;

            async fn from_request_parts(
                parts: &mut ::http::request::Parts,
                state: &S,
            ) -> Result<Self, $crate::Refusal> {
                Self::new($crate::extractors::verify::required::<S, V>(parts, state).await?)
            }
        }

        impl<S, X, V> ::axum_core::extract::OptionalFromRequestParts<S> for $name<X, V>
        where
            S: Send + Sync,
            X: ::serde::de::DeserializeOwned,
            V: $crate::extractors::Verification<S>,
        {
            type Rejection = $crate::Refusal;

            async fn from_request_parts(
                parts: &mut ::http::request::Parts,
                state: &S,
            ) -> Result<Option<Self>, $crate::Refusal> {
                $crate::extractors::verify::optional::<S, V>(parts, state)
                    .await?
                    .map(Self::new)
                    .transpose()
            }
        }
    };
}

pub(super) use typed_extractor;
