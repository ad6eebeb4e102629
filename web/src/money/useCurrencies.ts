import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/ApiContext';
import type { CurrencyInfo } from '../api/client';
import { unwrap } from '../api/errors';
import { queryKeys } from '../api/queries';

/** The currencies a session may use, with their minor-unit digits (`GET /currencies`). */
export function useCurrencies() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.currencies,
    queryFn: async (): Promise<CurrencyInfo[]> => unwrap(await api.GET('/currencies')).currencies,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** The digits of one currency's minor unit, once the list has arrived (undefined before, or if unknown). */
export function useCurrencyDigits(code: string | undefined) {
  const currencies = useCurrencies();
  const digits = currencies.data?.find((c) => c.code === code)?.digits;
  return { digits, error: currencies.error, isPending: currencies.isPending };
}
