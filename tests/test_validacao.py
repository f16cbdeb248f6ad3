"""A validação separada do treino (``utils.dividir_validacao``) e os nomes honestos do histórico."""
import pytest
import torch
from torch import nn

from cursoconv import ambiente, utils


def _treino(n=60, lote=8):
    X = torch.arange(n, dtype=torch.float32).reshape(n, 1, 1, 1).expand(n, 1, 28, 28).clone()
    return utils.CarregadorDeTensores(X, torch.arange(n) % 10, lote, True, "treino")


def _ids(carregador):
    return sorted(int(v) for v in carregador.dataset.tensors[0][:, 0, 0, 0])


def test_divide_sem_sobrepor_com_semente_fixa(monkeypatch):
    monkeypatch.delenv(ambiente.VARIAVEL_RAPIDO, raising=False)
    treino, validacao = utils.dividir_validacao(_treino(), tamanho=12, semente=0)
    assert len(validacao.dataset) == 12 and len(treino.dataset) == 48
    assert sorted(_ids(treino) + _ids(validacao)) == list(range(60))  # nenhuma fica nos dois, nenhuma some
    assert treino.batch_size == validacao.batch_size == 8
    assert treino.embaralhar and not validacao.embaralhar
    assert (treino.papel, validacao.papel) == ("treino", "validação")
    estado = torch.get_rng_state()
    de_novo = utils.dividir_validacao(_treino(), tamanho=12, semente=0)[1]
    assert torch.equal(torch.get_rng_state(), estado)  # o gerador global não foi tocado
    assert _ids(de_novo) == _ids(validacao)
    assert _ids(utils.dividir_validacao(_treino(), tamanho=12, semente=1)[1]) != _ids(validacao)


def test_modo_rapido_reduz_na_proporcao_do_subconjunto(monkeypatch):
    monkeypatch.setenv(ambiente.VARIAVEL_RAPIDO, "1")
    train_iter, test_iter = utils.load_data_fashion_mnist(128)
    treino, validacao = utils.dividir_validacao(train_iter)  # 10 000 nos dados completos
    assert len(validacao.dataset) == 500 and len(treino.dataset) == 2500
    assert len(test_iter.dataset) == 1000  # o teste fica de fora


@pytest.mark.parametrize("argumentos, erro, trecho", [
    ({"tamanho": 0}, ValueError, "inteiro positivo"),
    ({"tamanho": 2.5}, ValueError, "inteiro positivo"),
    ({"tamanho": 60}, ValueError, "nada para treinar"),
])
def test_recusa_tamanhos_impossiveis(monkeypatch, argumentos, erro, trecho):
    monkeypatch.delenv(ambiente.VARIAVEL_RAPIDO, raising=False)
    with pytest.raises(erro, match=trecho):
        utils.dividir_validacao(_treino(), **argumentos)
    with pytest.raises(TypeError, match="carregador de treino do curso"):
        utils.dividir_validacao([(torch.zeros(1), torch.zeros(1))])


def test_historico_diz_validacao_quando_avalia_na_validacao(monkeypatch, capsys):
    monkeypatch.delenv(ambiente.VARIAVEL_RAPIDO, raising=False)
    treino, validacao = utils.dividir_validacao(_treino(), tamanho=12)
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    otimizador = torch.optim.SGD(net.parameters(), lr=0.01)
    hist = utils.train_validate(net, treino, validacao, 8, otimizador, nn.CrossEntropyLoss(), 1, device="cpu")
    assert set(hist) == {"perda_treino", "acuracia_treino", "perda_validacao", "acuracia_validacao", "tempo"}
    saida = capsys.readouterr().out
    assert "perda validação" in saida and "acurácia validação" in saida and "teste" not in saida
    import matplotlib
    matplotlib.use("Agg")
    eixos = utils.plotar_historico(hist)
    assert [t.get_text() for t in eixos[0].get_legend().get_texts()] == ["treino", "validação"]
