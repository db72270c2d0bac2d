//! Routing of hosts, paths, queries and methods.
use super::*;

fn region(r: &str) -> Option<HostEndpoint> {
    Some(HostEndpoint {
        region: Region::parse(r).unwrap(),
        internal: false,
    })
}

fn bucket(name: &str, key: Option<&str>) -> Target {
    Target::Bucket {
        name: name.into(),
        key: key.map(Into::into),
    }
}

#[test]
fn the_host_comes_from_the_absolute_target_then_the_host_header() {
    let mut headers = HeaderMap::new();
    headers.insert(http::header::HOST, "Other.Example:8080".parse().unwrap());
    let absolute: Uri = "http://b1.oss-cn-hangzhou.aliyuncs.com:80/?encryption"
        .parse()
        .unwrap();
    assert_eq!(
        request_host(&absolute, &headers),
        "b1.oss-cn-hangzhou.aliyuncs.com"
    );
    let origin: Uri = "/?encryption".parse().unwrap();
    assert_eq!(request_host(&origin, &headers), "other.example");
    headers.insert(http::header::HOST, "[::1]:9444".parse().unwrap());
    assert_eq!(request_host(&origin, &headers), "[::1]");
    assert_eq!(request_host(&origin, &HeaderMap::new()), "");
}

#[test]
fn oss_hosts_route_virtual_hosted() {
    let r = route("oss-cn-hangzhou.aliyuncs.com", "/").unwrap();
    assert_eq!(
        (r.target, r.endpoint),
        (Target::Service, region("cn-hangzhou"))
    );
    let r = route("b-1.oss-ap-southeast-1.aliyuncs.com", "/").unwrap();
    assert_eq!(
        (r.target, r.endpoint),
        (bucket("b-1", None), region("ap-southeast-1"))
    );
    let r = route("b-1.oss-cn-beijing-internal.aliyuncs.com", "/dir/a%20b.txt").unwrap();
    assert_eq!(r.target, bucket("b-1", Some("dir/a b.txt")));
    let endpoint = r.endpoint.unwrap();
    assert!(endpoint.internal && endpoint.region.as_str() == "cn-beijing");
    let r = route("b-1.oss-accelerate.aliyuncs.com", "/").unwrap();
    assert_eq!((r.target, r.endpoint), (bucket("b-1", None), None));
}

#[test]
fn oss_hosts_refuse_path_style_and_bad_bucket_names() {
    let code = |host: &str, path: &str| route(host, path).unwrap_err().code;
    assert_eq!(
        code("oss-cn-hangzhou.aliyuncs.com", "/b-1/"),
        "SecondLevelDomainForbidden"
    );
    assert_eq!(
        code("Bad_B.oss-cn-hangzhou.aliyuncs.com", "/"),
        "InvalidBucketName"
    );
    assert_eq!(
        code("a.b.oss-cn-hangzhou.aliyuncs.com", "/"),
        "InvalidBucketName"
    );
}

#[test]
fn other_hosts_route_path_style() {
    for host in ["127.0.0.1", "localhost", "ecs.aliyuncs.com"] {
        let r = route(host, "/").unwrap();
        assert_eq!((r.target, r.endpoint), (Target::Service, None), "{host}");
        assert_eq!(route(host, "/b-1").unwrap().target, bucket("b-1", None));
        assert_eq!(route(host, "/b-1/").unwrap().target, bucket("b-1", None));
        assert_eq!(
            route(host, "/b-1/k/x").unwrap().target,
            bucket("b-1", Some("k/x"))
        );
    }
    assert_eq!(route("127.0.0.1", "").unwrap().target, Target::Service);
    assert_eq!(
        route("127.0.0.1", "/NO/").unwrap_err().code,
        "InvalidBucketName"
    );
}

#[test]
fn queries_decode_percent_escapes_and_keep_bare_names() {
    assert_eq!(
        decode_query(Some("encryption&prefix=a%2Fb+c&&max-keys=")),
        vec![
            ("encryption".into(), "".into()),
            ("prefix".into(), "a/b+c".into()),
            ("max-keys".into(), "".into())
        ]
    );
    assert!(decode_query(None).is_empty());
    assert_eq!(query_value(&decode_query(Some("a=1&a=2")), "a"), Some("1"));
}

#[test]
fn operations_follow_method_and_subresource() {
    let q = |s: &str| decode_query(Some(s));
    let b = bucket("b-1", None);
    let cases = [
        (
            Method::GET,
            Target::Service,
            "prefix=&marker=&max-keys=100",
            Operation::ListBuckets,
        ),
        (
            Method::GET,
            Target::Service,
            "regions",
            Operation::NotImplemented,
        ),
        (
            Method::PUT,
            Target::Service,
            "",
            Operation::MethodNotAllowed,
        ),
        (
            Method::GET,
            b.clone(),
            "encryption",
            Operation::GetEncryption,
        ),
        (
            Method::HEAD,
            b.clone(),
            "encryption",
            Operation::GetEncryption,
        ),
        (
            Method::PUT,
            b.clone(),
            "encryption",
            Operation::PutEncryption,
        ),
        (
            Method::DELETE,
            b.clone(),
            "encryption",
            Operation::DeleteEncryption,
        ),
        (
            Method::POST,
            b.clone(),
            "encryption",
            Operation::MethodNotAllowed,
        ),
        (Method::GET, b.clone(), "bucketInfo", Operation::GetInfo),
        (Method::GET, b.clone(), "location", Operation::GetLocation),
        (
            Method::PUT,
            b.clone(),
            "location",
            Operation::MethodNotAllowed,
        ),
        (Method::GET, b.clone(), "acl", Operation::NotImplemented),
        (Method::GET, b.clone(), "", Operation::NotImplemented),
        (
            Method::GET,
            bucket("b-1", Some("k")),
            "",
            Operation::ReadObject,
        ),
        (
            Method::PUT,
            bucket("b-1", Some("k")),
            "",
            Operation::NotImplemented,
        ),
    ];
    for (method, target, query, expected) in cases {
        assert_eq!(
            operation(&method, &target, &q(query)),
            expected,
            "{method} {target:?} {query}"
        );
    }
}
