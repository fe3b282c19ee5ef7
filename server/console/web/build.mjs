// Builds the console bundle: node build.mjs <outdir>. Deterministic (no timestamps, no hashes of
// paths), so tests/browser/bundle_fresh.sh can compare a fresh build with the committed dist/.
// Files are written only when they changed, so CMake re-embeds only a changed bundle.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const out = path.resolve(process.argv[2] || 'dist');
const here = path.dirname(new URL(import.meta.url).pathname);
fs.mkdirSync(out, { recursive: true });

function write(name, bytes) {
    const file = path.join(out, name);
    if (fs.existsSync(file) && Buffer.compare(fs.readFileSync(file), Buffer.from(bytes)) === 0) {
        return;
    }
    fs.writeFileSync(file, bytes);
}

const common = { bundle: true, minify: true, write: false, legalComments: 'eof', logLevel: 'warning' };
const js = await esbuild.build({
    ...common,
    entryPoints: [path.join(here, 'src/main.js')],
    format: 'iife',
    target: 'es2020',
});
write('app.js', js.outputFiles[0].contents);
const css = await esbuild.build({ ...common, entryPoints: [path.join(here, 'src/app.css')] });
write('app.css', css.outputFiles[0].contents);
write('index.html', fs.readFileSync(path.join(here, 'src/index.html')));
