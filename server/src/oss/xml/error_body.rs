//! `Error`: the body of every OSS error response (or its base64 copy in `x-oss-err`).

use serde::Deserialize;

use super::{XmlError, deserialize, present};

/// The fields of an OSS error body that a person or a retry decision needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ErrorBody {
    #[serde(rename = "Code")]
    pub code: Option<String>,
    #[serde(rename = "Message")]
    pub message: Option<String>,
    #[serde(rename = "RequestId")]
    pub request_id: Option<String>,
    #[serde(rename = "HostId")]
    pub host_id: Option<String>,
    #[serde(rename = "EC")]
    pub ec: Option<String>,
    /// The endpoint a bucket must be addressed on (wrong-region answers).
    #[serde(rename = "Endpoint")]
    pub endpoint: Option<String>,
    #[serde(rename = "Bucket")]
    pub bucket: Option<String>,
    #[serde(rename = "RecommendDoc")]
    pub recommend_doc: Option<String>,
}

/// Parses an `<Error>` document. Unknown children (StringToSign, ArgumentName, ...) are ignored.
pub fn parse_error_body(body: &[u8]) -> Result<ErrorBody, XmlError> {
    let raw: ErrorBody = deserialize(body, "Error")?;
    Ok(ErrorBody {
        code: present(raw.code),
        message: present(raw.message),
        request_id: present(raw.request_id),
        host_id: present(raw.host_id),
        ec: present(raw.ec),
        endpoint: present(raw.endpoint),
        bucket: present(raw.bucket),
        recommend_doc: present(raw.recommend_doc),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_wrong_endpoint_error_with_its_extras() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>AccessDenied</Code>
  <Message>The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.</Message>
  <RequestId>5C3D9175B6FC201293AD4890</RequestId>
  <HostId>bucket.oss-cn-hangzhou.aliyuncs.com</HostId>
  <Bucket>bucket</Bucket>
  <Endpoint>oss-cn-beijing.aliyuncs.com</Endpoint>
  <EC>0003-00001403</EC>
  <RecommendDoc>https://api.aliyun.com/troubleshoot?q=0003-00001403</RecommendDoc>
</Error>"#;
        let err = parse_error_body(xml.as_bytes()).unwrap();
        assert_eq!(err.code.as_deref(), Some("AccessDenied"));
        assert_eq!(err.request_id.as_deref(), Some("5C3D9175B6FC201293AD4890"));
        assert_eq!(err.endpoint.as_deref(), Some("oss-cn-beijing.aliyuncs.com"));
        assert_eq!(err.bucket.as_deref(), Some("bucket"));
        assert_eq!(err.ec.as_deref(), Some("0003-00001403"));
    }

    #[test]
    fn ignores_unknown_children() {
        let xml = "<Error><Code>SignatureDoesNotMatch</Code><Message>m</Message><StringToSign>GET\n\n</StringToSign><SignatureProvided>x</SignatureProvided></Error>";
        let err = parse_error_body(xml.as_bytes()).unwrap();
        assert_eq!(err.code.as_deref(), Some("SignatureDoesNotMatch"));
        assert_eq!(err.endpoint, None);
    }

    #[test]
    fn refuses_non_error_documents() {
        assert!(parse_error_body(b"<html>Bad gateway</html>").is_err());
        assert!(parse_error_body(b"<Error><Code>Oops").is_err());
        assert!(parse_error_body(b"").is_err());
    }
}
