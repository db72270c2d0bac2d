//! The `Authorization` header: building it after signing and parsing it back for verification.

use std::fmt;

/// The V1 scheme word, `OSS <AccessKeyId>:<Signature>`.
const V1_SCHEME: &str = "OSS";
/// The V4 scheme word, `OSS4-HMAC-SHA256 Credential=...`.
const V4_SCHEME: &str = "OSS4-HMAC-SHA256";
/// The fixed last element of a V4 credential scope.
const V4_TERMINATOR: &str = "aliyun_v4_request";

/// A parsed `Authorization` header. `Display` writes the header value (V4 with `, ` separators, as
/// oss2 and the OSS documentation do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authorization {
    /// `OSS <AccessKeyId>:<base64 signature>`.
    V1 {
        /// The AccessKeyId the request claims.
        access_key_id: String,
        /// The base64 HMAC-SHA1 signature.
        signature: String,
    },
    /// `OSS4-HMAC-SHA256 Credential=<id>/<date>/<region>/<product>/aliyun_v4_request`, then
    /// optionally `, AdditionalHeaders=<h1;h2>`, then `, Signature=<hex>`.
    V4 {
        /// The AccessKeyId the request claims.
        access_key_id: String,
        /// The scope date, `YYYYMMDD`.
        date: String,
        /// The signing region, e.g. `cn-hangzhou`.
        region: String,
        /// The signing product, `oss` (or `oss-cloudbox`).
        product: String,
        /// The extra signed header names, lowercase, in the order the signer used them.
        additional_headers: Vec<String>,
        /// The lowercase hex HMAC-SHA256 signature.
        signature: String,
    },
}

impl Authorization {
    /// The AccessKeyId the request claims, whichever the version.
    pub fn access_key_id(&self) -> &str {
        match self {
            Self::V1 { access_key_id, .. } | Self::V4 { access_key_id, .. } => access_key_id,
        }
    }

    /// The signature the request carries, whichever the version.
    pub fn signature(&self) -> &str {
        match self {
            Self::V1 { signature, .. } | Self::V4 { signature, .. } => signature,
        }
    }
}

impl fmt::Display for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::V1 {
                access_key_id,
                signature,
            } => write!(f, "{V1_SCHEME} {access_key_id}:{signature}"),
            Self::V4 {
                access_key_id,
                date,
                region,
                product,
                additional_headers,
                signature,
            } => {
                write!(
                    f,
                    "{V4_SCHEME} Credential={access_key_id}/{date}/{region}/{product}/{V4_TERMINATOR}"
                )?;
                if !additional_headers.is_empty() {
                    write!(f, ", AdditionalHeaders={}", additional_headers.join(";"))?;
                }
                write!(f, ", Signature={signature}")
            }
        }
    }
}

/// Why an `Authorization` header value could not be parsed. Messages quote at most a short,
/// truncated excerpt of the input, since the header is attacker-controlled in the sandbox.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorizationError {
    /// Nothing but whitespace.
    #[error("the Authorization header is empty")]
    Empty,
    /// The first word is neither `OSS` nor `OSS4-HMAC-SHA256`.
    #[error("unsupported Authorization scheme {0:?} (expected \"OSS\" or \"OSS4-HMAC-SHA256\")")]
    UnknownScheme(String),
    /// `OSS` not followed by `<id>:<signature>`.
    #[error("a V1 Authorization must look like `OSS <AccessKeyId>:<Signature>`")]
    MalformedV1,
    /// A V4 field without `=`.
    #[error("V4 Authorization field {0:?} is not of the form `Name=Value`")]
    MalformedField(String),
    /// A V4 field other than Credential, AdditionalHeaders and Signature.
    #[error(
        "unknown V4 Authorization field {0:?} (expected Credential, AdditionalHeaders or Signature)"
    )]
    UnknownField(String),
    /// A V4 field given twice.
    #[error("V4 Authorization field {0} appears more than once")]
    DuplicateField(&'static str),
    /// Credential or Signature is missing.
    #[error("V4 Authorization has no {0} field")]
    MissingField(&'static str),
    /// The credential is not a five-part `/`-separated scope.
    #[error(
        "V4 Credential must look like `<AccessKeyId>/<YYYYMMDD>/<region>/<product>/aliyun_v4_request`"
    )]
    MalformedCredential,
    /// An empty or non-printable name in AdditionalHeaders.
    #[error("V4 AdditionalHeaders must be header names separated by `;`")]
    MalformedAdditionalHeaders,
    /// The signature is not 64 lowercase hex digits.
    #[error("V4 Signature must be 64 lowercase hex digits")]
    MalformedSignature,
}

/// Parses an `Authorization` header value (V1 or V4). V4 fields may be separated by `,` (Go SDK)
/// or `, ` (oss2, docs). Never panics, whatever the input.
pub fn parse_authorization(value: &str) -> Result<Authorization, AuthorizationError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AuthorizationError::Empty);
    }
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    match scheme {
        V1_SCHEME => parse_v1(rest.trim()),
        V4_SCHEME => parse_v4(rest.trim()),
        other => Err(AuthorizationError::UnknownScheme(excerpt(other))),
    }
}

fn parse_v1(rest: &str) -> Result<Authorization, AuthorizationError> {
    let (id, signature) = rest
        .split_once(':')
        .ok_or(AuthorizationError::MalformedV1)?;
    let well_formed = |s: &str| !s.is_empty() && !s.contains(char::is_whitespace);
    if !well_formed(id) || !well_formed(signature) {
        return Err(AuthorizationError::MalformedV1);
    }
    Ok(Authorization::V1 {
        access_key_id: id.to_owned(),
        signature: signature.to_owned(),
    })
}

fn parse_v4(rest: &str) -> Result<Authorization, AuthorizationError> {
    let (mut credential, mut additional, mut signature) = (None, None, None);
    for field in rest.split(',').map(str::trim) {
        let (name, value) = field
            .split_once('=')
            .ok_or_else(|| AuthorizationError::MalformedField(excerpt(field)))?;
        let (slot, label) = match name {
            "Credential" => (&mut credential, "Credential"),
            "AdditionalHeaders" => (&mut additional, "AdditionalHeaders"),
            "Signature" => (&mut signature, "Signature"),
            other => return Err(AuthorizationError::UnknownField(excerpt(other))),
        };
        if slot.replace(value).is_some() {
            return Err(AuthorizationError::DuplicateField(label));
        }
    }
    let credential = credential.ok_or(AuthorizationError::MissingField("Credential"))?;
    let signature = signature.ok_or(AuthorizationError::MissingField("Signature"))?;

    let parts: Vec<&str> = credential.split('/').collect();
    let [id, date, region, product, terminator] = parts.as_slice() else {
        return Err(AuthorizationError::MalformedCredential);
    };
    let date_ok = date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit());
    let word_ok = |s: &str| !s.is_empty() && !s.contains(char::is_whitespace);
    if !date_ok
        || !word_ok(id)
        || !word_ok(region)
        || !word_ok(product)
        || *terminator != V4_TERMINATOR
    {
        return Err(AuthorizationError::MalformedCredential);
    }

    let additional_headers = match additional {
        None | Some("") => Vec::new(),
        Some(list) => list
            .split(';')
            .map(|name| match name.trim() {
                "" => Err(AuthorizationError::MalformedAdditionalHeaders),
                name if name.bytes().all(|b| b.is_ascii_graphic()) => Ok(name.to_ascii_lowercase()),
                _ => Err(AuthorizationError::MalformedAdditionalHeaders),
            })
            .collect::<Result<_, _>>()?,
    };

    // Only a well-formed hex digest can ever match, so reject anything else with a clear message.
    if signature.len() != 64
        || !signature
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(AuthorizationError::MalformedSignature);
    }

    Ok(Authorization::V4 {
        access_key_id: (*id).to_owned(),
        date: (*date).to_owned(),
        region: (*region).to_owned(),
        product: (*product).to_owned(),
        additional_headers,
        signature: signature.to_owned(),
    })
}

/// At most 40 characters of untrusted input, for error messages.
fn excerpt(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIG: &str = "e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe";

    #[test]
    fn a_v1_header_parses_into_id_and_signature() {
        let auth = parse_authorization("OSS LTAI5tFakeAccessKeyId000:HxlN/OONLV/uOoDxKaLiyzX9Z4Q=")
            .unwrap();
        assert_eq!(auth.access_key_id(), "LTAI5tFakeAccessKeyId000");
        assert_eq!(auth.signature(), "HxlN/OONLV/uOoDxKaLiyzX9Z4Q=");
    }

    #[test]
    fn a_v4_header_parses_with_either_separator() {
        let go = format!(
            "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=abc;zabc,Signature={SIG}"
        );
        let oss2 = go.replace(',', ", ");
        let expected = Authorization::V4 {
            access_key_id: "ak".into(),
            date: "20231216".into(),
            region: "cn-hangzhou".into(),
            product: "oss".into(),
            additional_headers: vec!["abc".into(), "zabc".into()],
            signature: SIG.into(),
        };
        assert_eq!(parse_authorization(&go).unwrap(), expected);
        assert_eq!(parse_authorization(&oss2).unwrap(), expected);
        assert_eq!(expected.to_string(), oss2);
    }

    #[test]
    fn display_and_parse_are_inverse() {
        for auth in [
            Authorization::V1 {
                access_key_id: "id".into(),
                signature: "c2ln".into(),
            },
            Authorization::V4 {
                access_key_id: "id".into(),
                date: "20250417".into(),
                region: "cn-hangzhou".into(),
                product: "oss".into(),
                additional_headers: vec![],
                signature: SIG.into(),
            },
        ] {
            assert_eq!(parse_authorization(&auth.to_string()).unwrap(), auth);
        }
    }

    #[test]
    fn error_messages_name_the_expected_shape() {
        assert!(
            AuthorizationError::MalformedCredential
                .to_string()
                .contains("aliyun_v4_request")
        );
        assert!(
            AuthorizationError::UnknownScheme("x".into())
                .to_string()
                .contains("OSS4-HMAC-SHA256")
        );
    }
}
