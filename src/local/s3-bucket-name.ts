/**
 * The S3 general purpose bucket naming rules, as the emulator's own judge of a recording
 * configuration's destination. Source: Amazon S3 User Guide, "General purpose bucket naming rules"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). IVS's botocore
 * model only checks `^[a-z0-9-.]+$` and 3-63 characters; the rest would surface as CREATE_FAILED
 * on AWS, the emulator answers them at once as a ValidationException.
 */

const RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
/** Access point, Object Lambda, Multi-Region Access Point, directory bucket and table bucket aliases. */
const RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

interface Rule {
  broken(name: string): boolean;
  says: string;
}

const RULES: Rule[] = [
  { broken: (n) => n.length < 3 || n.length > 63, says: "must be between 3 and 63 characters long" },
  { broken: (n) => /[^a-z0-9.-]/.test(n), says: "can consist only of lowercase letters, numbers, dots (.) and hyphens (-)" },
  { broken: (n) => !/^[a-z0-9]/.test(n) || !/[a-z0-9]$/.test(n), says: "must begin and end with a letter or number" },
  { broken: (n) => n.includes(".."), says: "must not contain two adjacent periods" },
  { broken: (n) => /^\d+\.\d+\.\d+\.\d+$/.test(n), says: "must not be formatted as an IP address" },
  { broken: (n) => RESERVED_PREFIXES.some((p) => n.startsWith(p)), says: `must not start with a reserved prefix (${RESERVED_PREFIXES.join(", ")})` },
  { broken: (n) => RESERVED_SUFFIXES.some((s) => n.endsWith(s)), says: `must not end with a reserved suffix (${RESERVED_SUFFIXES.join(", ")})` },
];

/** The first naming rule `name` breaks, as "Bucket names ..." text, or undefined when it is valid. */
export function bucketNameViolation(name: string): string | undefined {
  const rule = RULES.find((r) => r.broken(name));
  return rule && `Bucket names ${rule.says}`;
}
