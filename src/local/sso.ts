/**
 * The IAM Identity Center (SSO) portal's GetRoleCredentials, so SSO profiles can be exercised
 * against the emulator: the SDK reads the cached SSO token of a profile and exchanges it here for
 * role credentials (AWS_ENDPOINT_URL_SSO points the SDK at the emulator).
 */
import { LOCAL_ACCOUNT } from "./ids.ts";

export function isSsoRequest(req: Request, url: URL): boolean {
  return req.method === "GET" && url.pathname === "/federation/credentials";
}

export function getRoleCredentials(req: Request, url: URL): Response {
  const token = req.headers.get("x-amz-sso_bearer_token");
  const headers = { "content-type": "application/json" };
  if (!token) return new Response(JSON.stringify({ message: "Session token not found or invalid" }), { status: 401, headers: { ...headers, "x-amzn-errortype": "UnauthorizedException" } });
  const account = url.searchParams.get("account_id");
  const role = url.searchParams.get("role_name");
  if (!account || !role) return new Response(JSON.stringify({ message: "account_id and role_name are required" }), { status: 400, headers: { ...headers, "x-amzn-errortype": "InvalidRequestException" } });
  if (account !== LOCAL_ACCOUNT) return new Response(JSON.stringify({ message: "No access" }), { status: 403, headers: { ...headers, "x-amzn-errortype": "ForbiddenException" } });
  return Response.json({
    roleCredentials: { accessKeyId: "ASIALOCALSSO", secretAccessKey: "local-sso-secret", sessionToken: `local-sso-${role}`, expiration: Date.now() + 3_600_000 },
  });
}
