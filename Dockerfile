# One image for the console and the worker (docker-compose.yml picks the command).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci can refuse npm-11 lockfiles that lack other platforms' optional packages; npm install
# then installs the same locked versions (see .ci/run).
RUN npm ci --no-audit --no-fund || npm install --no-audit --no-fund
COPY . .
RUN npm run generate && npx next build
ENV NODE_ENV=production
EXPOSE 3000
CMD ["npm", "run", "web"]
