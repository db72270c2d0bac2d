//! GetBucketLocation: `<LocationConstraint>oss-<region></LocationConstraint>`.

use super::Reply;
use crate::sandbox::state::SandboxBucket;
use crate::sandbox::xml;

/// The bucket's location document.
pub(crate) fn get(bucket: &SandboxBucket) -> Reply {
    Reply::xml(xml::single("LocationConstraint", &bucket.region.location()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{BucketName, Region};

    #[test]
    fn answers_the_oss_prefixed_location() {
        let b = SandboxBucket::new(
            BucketName::parse("b-1").unwrap(),
            Region::parse("us-west-1").unwrap(),
        );
        assert_eq!(
            get(&b).xml.unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint>oss-us-west-1</LocationConstraint>"
        );
    }
}
