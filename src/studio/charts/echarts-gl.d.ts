// echarts-gl ships no TypeScript types. Declared here: only the two installers the 3-D scatter
// registers with echarts/core's use(). Their option shapes are typed in ./scatter-3d.ts.
declare module 'echarts-gl/charts' {
  import type { use } from 'echarts/core';
  type Installer = Exclude<Parameters<typeof use>[0], readonly unknown[]>;
  export const Scatter3DChart: Installer;
}

declare module 'echarts-gl/components' {
  import type { use } from 'echarts/core';
  type Installer = Exclude<Parameters<typeof use>[0], readonly unknown[]>;
  export const Grid3DComponent: Installer;
}
