# The matdisc worker image: Node 20, Quantum ESPRESSO, and the project with its node modules.
FROM node:20-bookworm
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      quantum-espresso openmpi-bin && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
COPY . .
USER node
CMD ["npx", "matdisc", "worker"]
