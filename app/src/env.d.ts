/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** A production MapLibre style URL for the board map; unset, the offline basemap (maps/). */
  readonly VITE_MAP_STYLE_URL?: string;
}
