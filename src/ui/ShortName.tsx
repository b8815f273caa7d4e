// A name as tables and lists show it: short (format.ts shortName), the full name on hover.
import { shortName } from './format';

export function ShortName({ name, max }: { name: string; max?: number }) {
  const short = shortName(name, max);
  return (
    <span className="short-name" title={short === name ? undefined : name}>
      {short}
    </span>
  );
}
