// The starter liver model the app ships (public/models/starter/, made by `npm run train:starter` from
// the real 3D-IRCADb-01 patients: trained on 3Dircadb1.17, its Dice measured on 3Dircadb1.1), stored
// once in IndexedDB beside the trained and imported models, so a first visit can segment before
// anything has been trained. Fetched from the app's own origin (precached by the service worker, so
// it works offline too); listed last (createdAt 0). Not for clinical use, and the app says so.
import { openCache, type StarterAbout } from '../storage/schema';
import { getModel, putModel } from '../storage/runs';
import { fromModelFiles, modelInputSize } from '../model/modelFiles';

export const STARTER_MODEL_ID = 'starter';
const BASE = `${import.meta.env.BASE_URL}models/starter/`;

interface StarterFile extends StarterAbout {
  name: string;
  model: string;
  settings?: { baseFilters?: number };
}

let ensured: Promise<void> | null = null;

/** Stores the starter model if it is not stored yet (or a newer one ships); once per page. Failures are logged, never thrown. */
export function ensureStarterModel(): Promise<void> {
  ensured ??= storeStarter().catch((e: unknown) => {
    ensured = null;
    console.warn(`starter model not available: ${e instanceof Error ? e.message : String(e)}`);
  });
  return ensured;
}

async function storeStarter(): Promise<void> {
  const response = await fetch(`${BASE}starter.json`);
  if (!response.ok) throw new Error(`${BASE}starter.json: HTTP ${response.status}`);
  const starter = (await response.json()) as StarterFile;
  const about: StarterAbout = {
    trainedOn: starter.trainedOn,
    heldOut: starter.heldOut,
    dataset: starter.dataset,
    heldOutSlabDice: starter.heldOutSlabDice,
    heldOutScanDice: starter.heldOutScanDice,
    notForClinicalUse: true,
  };
  const db = await openCache();
  const stored = await getModel(db, STARTER_MODEL_ID);
  if (stored && JSON.stringify(stored.about) === JSON.stringify(about)) return;
  const modelJson = await (await fetch(`${BASE}${starter.model}`)).text();
  const manifest = JSON.parse(modelJson) as { weightsManifest: { paths: string[] }[] };
  const binaries = new Map<string, ArrayBuffer>();
  for (const path of manifest.weightsManifest.flatMap((group) => group.paths)) {
    const file = path.slice(path.lastIndexOf('/') + 1); // `./model.weights.bin`: beside model.json
    const weights = await fetch(`${BASE}${file}`);
    if (!weights.ok) throw new Error(`${BASE}${file}: HTTP ${weights.status}`);
    binaries.set(file, await weights.arrayBuffer());
  }
  const snapshot = fromModelFiles(modelJson, binaries);
  const fit = modelInputSize(snapshot);
  if (!fit.ok) throw new Error(fit.message);
  await putModel(db, {
    id: STARTER_MODEL_ID,
    name: starter.name,
    createdAt: 0,
    source: 'starter',
    about,
    size: fit.size,
    baseFilters: starter.settings?.baseFilters ?? null,
    valDice: about.heldOutSlabDice,
    model: snapshot,
  });
}

/** One line on what the starter model is, for the model pickers. */
export function describeStarter(about: StarterAbout | undefined): string {
  if (!about) return 'ships with LiverLab; not for clinical use';
  const dice = (v: number | null) => (v === null ? '—' : v.toFixed(3));
  return (
    `trained on ${about.trainedOn.join(', ')} (${about.dataset}); held-out Dice on ${about.heldOut} ${dice(about.heldOutSlabDice)} on its kept slices, ` +
    `${dice(about.heldOutScanDice)} on the whole scan; not for clinical use`
  );
}
