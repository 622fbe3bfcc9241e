/**
 * What an AWS region name looks like, checked before any AWS call. A malformed region would
 * otherwise reach the SDK (which builds a host name from it) and slip past redaction rules.
 *
 * Source: botocore 1.43 `data/endpoints.json`, each partition's `regionRegex`:
 *   aws        ^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$
 *   aws-cn     ^cn\-\w+\-\d+$          aws-us-gov ^us\-gov\-\w+\-\d+$
 *   aws-iso    ^us\-iso\-\w+\-\d+$     aws-iso-b  ^us\-isob\-\w+\-\d+$
 *   aws-iso-e  ^eu\-isoe\-\w+\-\d+$    aws-iso-f  ^us\-isof\-\w+\-\d+$
 *   aws-eusc   ^eusc\-(de)\-\w+\-\d+$
 * The general shape below admits every one of them (and regions AWS has yet to open, such as a
 * two-digit `us-east-10`) except the European Sovereign Cloud's four-letter prefix, listed apart.
 */
import { configError, usageError } from "../cli/errors.ts";

const REGION_SHAPE = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/** Partition prefixes that the general shape does not cover. */
const PARTITION_PREFIXES = [/^eusc-[a-z]+-[a-z]+-\d+$/];

export function isRegionName(value: string): boolean {
  return REGION_SHAPE.test(value) || PARTITION_PREFIXES.some((re) => re.test(value));
}

const shown = (v: string) => JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);

/** --region: a typo on the command line is a usage error (exit 2). */
export function checkRegionFlag(value: string): string {
  if (!isRegionName(value)) throw usageError(`--region is not an AWS region name (got ${shown(value)})`, "e.g. us-east-1");
  return value;
}

/** AWS_REGION / AWS_DEFAULT_REGION: a bad value in the environment is a configuration error (exit 3). */
export function checkRegionEnv(variable: string, value: string): string {
  if (!isRegionName(value)) throw configError(`${variable} is not an AWS region name (got ${shown(value)})`, `e.g. ${variable}=us-east-1`);
  return value;
}
