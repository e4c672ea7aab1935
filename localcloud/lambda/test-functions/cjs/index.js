// A CommonJS bundle, as CDK's provider framework ships them.
exports.handler = (event, context, callback) => {
  callback(null, { kind: typeof require, module: typeof module, got: event });
};
