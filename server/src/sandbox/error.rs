//! OSS error answers: status, code, message, EC and the extra elements some errors carry.
//!
//! The codes, messages and HTTP statuses are OSS's (reference §2.4, §3). EC values marked
//! "documented" come from OSS's EC pages; the others are sandbox choices in OSS's format, since a
//! client should key on `Code`, never on `EC`.

use std::borrow::Cow;

use http::StatusCode;

/// An OSS error to answer with. Rendering (request id, host id, headers) is [`super::service`]'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OssError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: Cow<'static, str>,
    /// The detailed error code, `NNNN-NNNNNNNN`.
    pub(crate) ec: &'static str,
    /// Extra elements written between `HostId` and `EC`, in order (e.g. `Bucket`, `Endpoint`).
    pub(crate) extra: Vec<(&'static str, String)>,
}

impl OssError {
    pub(crate) fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<Cow<'static, str>>,
        ec: &'static str,
    ) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            ec,
            extra: Vec::new(),
        }
    }

    /// Adds an extra element.
    pub(crate) fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.extra.push((name, value.into()));
        self
    }

    // --- Authentication -------------------------------------------------------------------------

    pub(crate) fn anonymous() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "AccessDenied: Anonymous access is forbidden for this operation.",
            "0003-00000001",
        )
    }

    pub(crate) fn invalid_authorization() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidArgument",
            "Authorization header is invalid.",
            "0002-00000012",
        )
        .with("ArgumentName", "Authorization")
    }

    pub(crate) fn invalid_access_key_id(access_key_id: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "InvalidAccessKeyId",
            "The OSS Access Key Id you provided does not exist in our records.",
            "0002-00000002",
        )
        .with("OSSAccessKeyId", access_key_id)
    }

    pub(crate) fn invalid_security_token() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "InvalidSecurityToken",
            "The security token you provided is invalid.",
            "0002-00000003",
        )
    }

    /// An STS key past its expiration (EC documented).
    pub(crate) fn security_token_expired() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "SecurityTokenExpired",
            "The security token you provided has expired.",
            "0002-00000007",
        )
    }

    pub(crate) fn missing_date(header: &'static str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            format!("OSS authentication requires a valid {header} header."),
            "0002-00000015",
        )
    }

    /// V4 requests must declare `x-oss-content-sha256: UNSIGNED-PAYLOAD` (documented EC).
    pub(crate) fn content_sha256_required() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidArgument",
            "x-oss-content-sha256 must be UNSIGNED-PAYLOAD.",
            "0002-00000214",
        )
        .with("ArgumentName", "x-oss-content-sha256")
    }

    pub(crate) fn invalid_signing_region(got: &str, expected: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidArgument",
            format!(
                "Invalid signing region in Authorization header: got {got}, expected {expected}."
            ),
            "0002-00000227",
        )
        .with("ArgumentName", "Authorization")
        .with("ArgumentValue", got)
    }

    pub(crate) fn invalid_signing_product(got: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidArgument",
            "Invalid signing product in Authorization header.",
            "0002-00000228",
        )
        .with("ArgumentName", "Authorization")
        .with("ArgumentValue", got)
    }

    /// Request time more than 15 minutes from the server clock (documented EC).
    pub(crate) fn request_time_too_skewed(request_time: &str, server_time: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
            "0002-00000504",
        )
        .with("RequestTime", request_time)
        .with("ServerTime", server_time)
    }

    /// Signature mismatch; `ec` is 0002-00000040 for V1 (documented) and a V4 equivalent.
    pub(crate) fn signature_does_not_match(ec: &'static str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
            ec,
        )
    }

    // --- Addressing -----------------------------------------------------------------------------

    pub(crate) fn invalid_bucket_name(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidBucketName",
            "The specified bucket is not valid.",
            "0015-00000001",
        )
        .with("BucketName", name)
    }

    /// Path-style addressing on an OSS endpoint host.
    pub(crate) fn second_level_domain_forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "SecondLevelDomainForbidden",
            "Please use virtual hosted style to access.",
            "0003-00000204",
        )
    }

    /// The bucket lives in another region; `endpoint` is the host to use instead.
    pub(crate) fn wrong_endpoint(bucket: &str, endpoint: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.",
            "0003-00001403",
        )
        .with("Bucket", bucket)
        .with("Endpoint", endpoint)
    }

    pub(crate) fn no_such_bucket(bucket: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NoSuchBucket",
            "The specified bucket does not exist.",
            "0015-00000101",
        )
        .with("BucketName", bucket)
    }

    pub(crate) fn no_such_key(key: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NoSuchKey",
            "The specified key does not exist.",
            "0026-00000001",
        )
        .with("Key", key)
    }

    /// The caller's policy denies this bucket.
    /// A bucket of another account than the caller's.
    pub(crate) fn not_bucket_owner() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "You have no right to access this bucket.",
            "0003-00000201",
        )
    }

    pub(crate) fn bucket_access_denied() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "You are not authorized to do this action. You should be authorized by RAM.",
            "0003-00000301",
        )
    }

    pub(crate) fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
            "0001-00000405",
        )
    }

    pub(crate) fn not_implemented() -> Self {
        Self::new(
            StatusCode::NOT_IMPLEMENTED,
            "NotImplemented",
            "A header you provided implies functionality that is not implemented. (The oss-audit sandbox implements ListBuckets, Get/Put/DeleteBucketEncryption, GetBucketInfo, GetBucketLocation and GetBucketTagging.)",
            "0001-00000501",
        )
    }

    pub(crate) fn invalid_argument(
        message: impl Into<Cow<'static, str>>,
        ec: &'static str,
        name: &str,
        value: &str,
    ) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "InvalidArgument", message, ec)
            .with("ArgumentName", name)
            .with("ArgumentValue", value)
    }

    // --- Encryption -----------------------------------------------------------------------------

    pub(crate) fn no_such_encryption_rule(bucket: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NoSuchServerSideEncryptionRule",
            "The server side encryption configuration was not found",
            "0015-00000301",
        )
        .with("BucketName", bucket)
    }

    pub(crate) fn malformed_xml() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published schema.",
            "0005-00000001",
        )
    }

    /// Unsupported `SSEAlgorithm` (documented EC).
    pub(crate) fn invalid_encryption_algorithm() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidEncryptionAlgorithmError",
            "The Encryption request you specified is not valid. Supported value: AES256/KMS/SM4",
            "0005-00000003",
        )
    }

    pub(crate) fn invalid_digest() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidDigest",
            "The Content-MD5 you specified is not valid.",
            "0016-00000402",
        )
    }

    pub(crate) fn entity_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "EntityTooLarge",
            format!(
                "Your proposed upload exceeds the maximum allowed size of {limit} bytes for this request."
            ),
            "0005-00000002",
        )
    }

    pub(crate) fn incomplete_body() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "IncompleteBody",
            "You did not provide the number of bytes specified by the Content-Length HTTP header.",
            "0016-00000001",
        )
    }

    // --- The bucket's KMS key ------------------------------------------------------------------
    // Codes and messages from OSS's 409 page (https://www.alibabacloud.com/help/en/oss/user-guide/
    // http-status-code-409: KeyDisabled, KeyPendingDeletion) and 404 page (KeyNotFound,
    // AliasNotFound); ECs 0005-00000214/215 (409), 0005-00000208 (key not found) and
    // 0005-00000218 (KmsServiceNotEnabled, 403) from OSS's EC pages as the reference lists them.

    /// The key is disabled (documented code and EC).
    pub(crate) fn kms_key_disabled() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "KeyDisabled",
            "The request was rejected because the key state is Disabled",
            "0005-00000214",
        )
    }

    /// The key is scheduled for deletion (documented code and EC).
    pub(crate) fn kms_key_pending_deletion() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "KeyPendingDeletion",
            "The request was rejected because the key state is PendingDeletion",
            "0005-00000215",
        )
    }

    /// A BYOK key without (unexpired) material. OSS documents no code for it; the sandbox answers
    /// in the same family, with an EC of its own choosing.
    pub(crate) fn kms_key_pending_import() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "KeyPendingImport",
            "The request was rejected because the key state is PendingImport",
            "0005-00000216",
        )
    }

    /// No such key in the bucket's account and region, or deleted (documented code and EC).
    pub(crate) fn kms_key_not_found(key: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "KeyNotFound",
            "The specified parameter KMS keyId is not found",
            "0005-00000208",
        )
        .with("KMSMasterKeyID", key)
    }

    /// No such alias in the bucket's account and region (documented code; EC as for a key).
    pub(crate) fn kms_alias_not_found(alias: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "AliasNotFound",
            "The specified Alias is not found",
            "0005-00000208",
        )
        .with("KMSMasterKeyID", alias)
    }

    /// SSE-KMS for an account that never activated KMS (documented code and EC).
    pub(crate) fn kms_service_not_enabled() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "KmsServiceNotEnabled",
            "KMS is not activated for this account.",
            "0005-00000218",
        )
    }

    // --- Faults ---------------------------------------------------------------------------------

    pub(crate) fn service_unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "Please reduce your request rate.",
            "0001-00000503",
        )
    }

    pub(crate) fn meta_qps_limit_exceeded() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "MetaOperationQpsLimitExceeded",
            "Please reduce your request rate.",
            "0004-00000302",
        )
    }
}
