// The public URL the ingress daemon believes it has: what bench deliveries are signed for.
export const PUBLIC_URL = "http://bench.invalid";
