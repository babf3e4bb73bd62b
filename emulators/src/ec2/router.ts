import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { sendJson } from "../http.js";
import { type ControlTarget, handleControl } from "./control.js";
import type { Imds } from "./imds.js";

/**
 * One HTTP server, three surfaces: the EC2 Query API at `/`, each instance's IMDS under
 * `/imds/<instanceId>`, and JSON control endpoints under `/_emulator/`.
 */
export function createRouter(surfaces: {
  api: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  imds: Imds;
  control: ControlTarget;
}): RequestListener {
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://emulator").pathname;
    const imdsPath = /^\/imds\/([^/]+)(\/.*)?$/.exec(path);
    if (imdsPath) return surfaces.imds.handle(req, res, imdsPath[1] ?? "", imdsPath[2] ?? "/");
    if (path.startsWith("/_emulator/")) return handleControl(surfaces.control, req, res, path);
    if (path === "/" && (req.method === "POST" || req.method === "GET")) return surfaces.api(req, res);
    sendJson(res, 404, { error: "not found" });
  };
  return (req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
      else res.destroy();
    });
  };
}
