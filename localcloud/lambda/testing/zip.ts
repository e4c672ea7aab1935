import { execFileSync } from 'node:child_process';

/** A deployment package as the CDK zips assets (deflated), with these files: for tests of code uploads. */
export function codeZip(files: Record<string, string>): Buffer {
  const script = `import io, json, sys, zipfile
b = io.BytesIO()
with zipfile.ZipFile(b, 'w', zipfile.ZIP_DEFLATED) as z:
    for name, text in json.loads(sys.argv[1]).items():
        z.writestr(name, text)
sys.stdout.buffer.write(b.getvalue())`;
  return execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(files)]);
}

/** A package whose handler logs `running <marker>` and answers the event with `marker` added. */
export function markerZip(marker: string): Buffer {
  return codeZip({ 'index.mjs': `export const handler = async (event) => { console.log(${JSON.stringify(`running ${marker}`)}); return { ...event, marker: ${JSON.stringify(marker)} }; };` });
}
