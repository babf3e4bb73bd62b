# Mayfly app image: one Node.js process serving webhooks, /bootstrap, the dashboard and the workers.
# Built by `cdk deploy` from this directory (infra/bin/mayfly.ts), or by hand:
#   docker build -t mayfly . && docker run -p 3000:3000 --env-file .env mayfly
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    npm_config_cache=/tmp/.npm \
    npm_config_update_notifier=false \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
WORKDIR /app
# Code stays owned by root and read-only to the app user.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Setup mode posts it to GitHub as the App manifest (MAYFLY_APP_MANIFEST_PATH).
COPY app.yml ./
COPY infra/docker-entrypoint.sh /usr/local/bin/mayfly-entrypoint
USER node
EXPOSE 3000
ENTRYPOINT ["/usr/local/bin/mayfly-entrypoint"]
CMD ["npm", "start"]
