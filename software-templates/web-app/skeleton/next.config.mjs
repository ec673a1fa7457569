/** Next.js settings: a standalone server for the container image. */
const config = {
  output: "standalone",
  poweredByHeader: false,
};

export default config;
