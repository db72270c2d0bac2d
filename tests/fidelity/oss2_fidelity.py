"""Drives the oss-audit sandbox with the official OSS Python SDK (oss2), a client nobody here wrote.

Started by the Rust integration test `sandbox_is_indistinguishable_from_oss_for_oss2`, which starts a
sandbox, writes its seeded truth to a JSON file and passes everything through the environment:
SANDBOX_PROXY, TRUTH_FILE, ACCESS_KEY_ID, ACCESS_KEY_SECRET, STS_ACCESS_KEY_ID, STS_ACCESS_KEY_SECRET,
STS_TOKEN. Exits non-zero when any check fails.
"""

import json
import os
import sys
import unittest

import oss2
from oss2.credentials import StaticCredentialsProvider
from oss2.models import ServerSideEncryptionRule

ENV = os.environ
PROXIES = {"http": ENV["SANDBOX_PROXY"]}
SERVICE_ENDPOINT = "http://oss-cn-hangzhou.aliyuncs.com"
with open(ENV["TRUTH_FILE"]) as f:
    TRUTH = json.load(f)["buckets"]
BY_NAME = {b["name"]: b for b in TRUTH}


def v1_auth():
    return oss2.Auth(ENV["ACCESS_KEY_ID"], ENV["ACCESS_KEY_SECRET"])


def v4_auth():
    return oss2.ProviderAuthV4(StaticCredentialsProvider(ENV["ACCESS_KEY_ID"], ENV["ACCESS_KEY_SECRET"]))


def service(auth, region="cn-hangzhou"):
    return oss2.Service(auth, SERVICE_ENDPOINT, proxies=PROXIES, region=region)


def bucket(auth, truth, region=None):
    region = region or truth["region"]
    endpoint = "http://oss-%s.aliyuncs.com" % region
    return oss2.Bucket(auth, endpoint, truth["name"], proxies=PROXIES, region=region)


def readable():
    return [b for b in TRUTH if not b["access_denied"]]


def unencrypted():
    return [b for b in readable() if b["sse_algorithm"] is None]


class GetBucketTagging(unittest.TestCase):
    def test_tags_are_served_as_oss_serves_them_and_an_untagged_bucket_has_none(self):
        tagged = [b for b in readable() if b["tags"]][:3]
        untagged = [b for b in readable() if not b["tags"]][:2]
        self.assertTrue(tagged and untagged)
        for truth in tagged + untagged:
            for auth in (v1_auth(), v4_auth()):
                result = bucket(auth, truth).get_bucket_tagging()
                self.assertEqual(result.tag_set.tagging_rule, truth["tags"])


class ListBuckets(unittest.TestCase):
    def test_v1_iterator_sees_every_bucket_across_small_pages(self):
        names = [b.name for b in oss2.BucketIterator(service(v1_auth()), max_keys=7)]
        self.assertEqual(names, sorted(BY_NAME))

    def test_v4_pages_follow_next_marker_and_report_regions(self):
        svc, marker, seen, pages = service(v4_auth()), "", [], 0
        while True:
            result = svc.list_buckets(marker=marker, max_keys=25)
            pages += 1
            seen.extend(result.buckets)
            if not result.is_truncated:
                break
            self.assertTrue(result.next_marker)
            marker = result.next_marker
        self.assertGreater(pages, 1)
        self.assertEqual([b.name for b in seen], sorted(BY_NAME))
        for b in seen:
            truth = BY_NAME[b.name]
            self.assertEqual(b.location, "oss-" + truth["region"])
            self.assertEqual(b.region, truth["region"])
            self.assertEqual(b.extranet_endpoint, "oss-%s.aliyuncs.com" % truth["region"])
            self.assertEqual(b.intranet_endpoint, "oss-%s-internal.aliyuncs.com" % truth["region"])

    def test_tag_key_and_value_filter_the_listing_to_the_buckets_carrying_the_tag(self):
        tagged = sorted(n for n, b in BY_NAME.items() if b["tags"].get("data-class") == "confidential")
        self.assertTrue(tagged, "the seed tags some buckets data-class=confidential")
        params = {"tag-key": "data-class", "tag-value": "confidential"}
        for auth in (v1_auth(), v4_auth()):
            names = [b.name for b in service(auth).list_buckets(max_keys=1000, params=params).buckets]
            self.assertEqual(names, tagged)
        by_key = service(v4_auth()).list_buckets(max_keys=1000, params={"tag-key": "data-class"}).buckets
        self.assertEqual([b.name for b in by_key], sorted(n for n, b in BY_NAME.items() if "data-class" in b["tags"]))
        none = service(v4_auth()).list_buckets(params={"tag-key": "data-class", "tag-value": "no-such"})
        self.assertEqual(none.buckets, [])

    def test_prefix_filters_names(self):
        first = sorted(BY_NAME)[0]
        prefix = first.split("-")[0]
        names = [b.name for b in oss2.BucketIterator(service(v4_auth()), prefix=prefix)]
        self.assertEqual(names, sorted(n for n in BY_NAME if n.startswith(prefix)))


class Encryption(unittest.TestCase):
    def check_matches_truth(self, auth):
        for truth in TRUTH:
            b = bucket(auth, truth)
            if truth["access_denied"]:
                with self.assertRaises(oss2.exceptions.AccessDenied):
                    b.get_bucket_encryption()
                continue
            if truth["sse_algorithm"] is None:
                with self.assertRaises(oss2.exceptions.NoSuchServerSideEncryptionRule) as ctx:
                    b.get_bucket_encryption()
                self.assertTrue(ctx.exception.request_id)
                continue
            rule = b.get_bucket_encryption()
            self.assertEqual(rule.sse_algorithm, truth["sse_algorithm"], truth["name"])
            self.assertEqual(rule.kms_master_keyid or None, truth["kms_master_key_id"], truth["name"])
            self.assertEqual(rule.kms_data_encryption or None, truth["kms_data_encryption"], truth["name"])

    def test_v1_reads_every_bucket_as_seeded(self):
        self.check_matches_truth(v1_auth())

    def test_v4_reads_every_bucket_as_seeded(self):
        self.check_matches_truth(v4_auth())

    def test_put_get_delete_round_trip_with_v4(self):
        truth = unencrypted()[0]
        b = bucket(v4_auth(), truth)
        b.put_bucket_encryption(ServerSideEncryptionRule("KMS", "9468da86-3509-4f8d-a61e-6eab1eac0000", "SM4"))
        rule = b.get_bucket_encryption()
        self.assertEqual((rule.sse_algorithm, rule.kms_master_keyid, rule.kms_data_encryption),
                         ("KMS", "9468da86-3509-4f8d-a61e-6eab1eac0000", "SM4"))
        result = b.delete_bucket_encryption()
        self.assertEqual(result.status, 204)
        with self.assertRaises(oss2.exceptions.NoSuchServerSideEncryptionRule):
            b.get_bucket_encryption()

    def test_put_with_v1_and_sm4(self):
        truth = unencrypted()[1]
        b = bucket(v1_auth(), truth)
        b.put_bucket_encryption(ServerSideEncryptionRule("SM4"))
        self.assertEqual(b.get_bucket_encryption().sse_algorithm, "SM4")
        b.delete_bucket_encryption()

    def test_invalid_rules_are_refused_like_oss(self):
        b = bucket(v4_auth(), unencrypted()[2])
        with self.assertRaises(oss2.exceptions.ServerError) as ctx:
            b.put_bucket_encryption(ServerSideEncryptionRule("DES"))
        self.assertEqual((ctx.exception.status, ctx.exception.code), (400, "InvalidEncryptionAlgorithmError"))
        with self.assertRaises(oss2.exceptions.InvalidArgument):
            b.put_bucket_encryption(ServerSideEncryptionRule("AES256", "some-key-id"))
        with self.assertRaises(oss2.exceptions.NoSuchServerSideEncryptionRule):
            b.get_bucket_encryption()

    def test_denied_buckets_refuse_put(self):
        denied = [b for b in TRUTH if b["access_denied"]][0]
        with self.assertRaises(oss2.exceptions.AccessDenied):
            bucket(v4_auth(), denied).put_bucket_encryption(ServerSideEncryptionRule("AES256"))


class BucketInfoAndLocation(unittest.TestCase):
    def test_bucket_info_reports_the_flat_rule(self):
        for truth in readable()[:20]:
            info = bucket(v4_auth(), truth).get_bucket_info()
            self.assertEqual(info.name, truth["name"])
            self.assertEqual(info.location, "oss-" + truth["region"])
            rule = info.bucket_encryption_rule
            if truth["sse_algorithm"] is None:
                self.assertIn(rule.sse_algorithm, (None, "", "None"))
            else:
                self.assertEqual(rule.sse_algorithm, truth["sse_algorithm"])
                if truth["kms_master_key_id"]:
                    self.assertEqual(rule.kms_master_keyid, truth["kms_master_key_id"])

    def test_location(self):
        truth = readable()[0]
        self.assertEqual(bucket(v1_auth(), truth).get_bucket_location().location, "oss-" + truth["region"])


class Refusals(unittest.TestCase):
    def test_wrong_secret_is_signature_does_not_match_in_v1_and_v4(self):
        truth = readable()[0]
        for auth in (oss2.Auth(ENV["ACCESS_KEY_ID"], "wrong-secret"),
                     oss2.ProviderAuthV4(StaticCredentialsProvider(ENV["ACCESS_KEY_ID"], "wrong-secret"))):
            with self.assertRaises(oss2.exceptions.ServerError) as ctx:
                bucket(auth, truth).get_bucket_encryption()
            self.assertEqual((ctx.exception.status, ctx.exception.code), (403, "SignatureDoesNotMatch"))

    def test_unknown_access_key_is_refused(self):
        with self.assertRaises(oss2.exceptions.ServerError) as ctx:
            service(oss2.Auth("LTAI5tNobodyHasThisKey00", "x")).list_buckets()
        self.assertEqual((ctx.exception.status, ctx.exception.code), (403, "InvalidAccessKeyId"))

    def test_wrong_region_names_the_right_endpoint(self):
        truth = next(b for b in readable() if b["region"] != "cn-hangzhou")
        with self.assertRaises(oss2.exceptions.ServerError) as ctx:
            bucket(v1_auth(), truth, region="cn-hangzhou").get_bucket_encryption()
        self.assertEqual(ctx.exception.status, 403)
        self.assertEqual(ctx.exception.details.get("Endpoint"), "oss-%s.aliyuncs.com" % truth["region"])


class Sts(unittest.TestCase):
    def sts(self, token):
        return oss2.StsAuth(ENV["STS_ACCESS_KEY_ID"], ENV["STS_ACCESS_KEY_SECRET"], token)

    def test_sts_credentials_work_in_v1_and_v4(self):
        names = [b.name for b in oss2.BucketIterator(service(self.sts(ENV["STS_TOKEN"])), max_keys=1000)]
        self.assertEqual(names, sorted(BY_NAME))
        v4 = oss2.ProviderAuthV4(StaticCredentialsProvider(
            ENV["STS_ACCESS_KEY_ID"], ENV["STS_ACCESS_KEY_SECRET"], ENV["STS_TOKEN"]))
        self.assertEqual(len(list(oss2.BucketIterator(service(v4), max_keys=1000))), len(TRUTH))

    def test_a_wrong_sts_token_is_refused(self):
        with self.assertRaises(oss2.exceptions.ServerError) as ctx:
            service(self.sts("not-the-token")).list_buckets()
        self.assertEqual(ctx.exception.status, 403)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() and result.testsRun > 0 else 1)
